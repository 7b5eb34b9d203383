import { suite } from '../conformance';
import { startGateway } from '../support/gateway-harness';

/**
 * The conformance suite on a real Fabric network: `npm run test:fabric`
 * starts the network, runs this file, and stops the network.
 */
suite({
  name: 'fabric',
  factory: () => startGateway({ CIVIC_LEDGER: 'fabric', ...(process.env.FABRIC_NETWORK_FILE ? { FABRIC_NETWORK_FILE: process.env.FABRIC_NETWORK_FILE } : {}) }),
});
