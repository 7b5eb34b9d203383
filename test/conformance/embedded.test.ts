import { startEmbedded } from '../support/gateway-harness';
import { suite } from '.';

suite({ name: 'embedded', factory: () => startEmbedded() });
