import { createRequire } from 'node:module';
import type { ChaincodeInterface, ChaincodeResponse } from 'fabric-shim';
import type { ChaincodeLogLevel } from './types';
import { BoundedMap } from '../../chaincode/src/bounded-map';

/** The stub type fabric-shim hands to chaincode (fabric-shim-api's ChaincodeStub). */
export type ShimStub = Parameters<ChaincodeInterface['Invoke']>[0];

/** fabric-shim's contract router, as a peer-launched chaincode process builds it. */
export interface ContractRouter {
  invokeFunctionality(stub: ShimStub): Promise<ChaincodeResponse>;
}

type RouterConstructor = new (
  contracts: Array<new () => object>,
  serializers: { transaction: string; serializers: Record<string, unknown> },
  metadata: Record<string, unknown>,
  title: string,
  version: string,
) => ContractRouter;

/** A winston logger as fabric-shim's and fabric-contract-api's getLogger return it. */
interface WinstonLogger {
  silent: boolean;
  levels: Record<string, number>;
}

interface ShimLogger {
  setLevel(level: string): void;
  getLogger(name: string): WinstonLogger;
}

const noop = function (this: WinstonLogger): WinstonLogger {
  return this;
};

/**
 * Silences a logger outright. winston's level methods build a message and
 * push it through its streams before the transport drops it, even when the
 * logger is silent; own no-op methods shadow them. Unsilencing removes them.
 */
function silence(logger: WinstonLogger, silent: boolean): void {
  logger.silent = silent;
  const methods = logger as unknown as Record<string, unknown>;
  for (const level of Object.keys(logger.levels)) {
    if (silent) methods[level] = noop;
    else if (methods[level] === noop) delete methods[level];
  }
}

// Internal, untyped modules of the pinned fabric-shim 2.5.8.
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract') as RouterConstructor;
const shimLogger = require('fabric-shim/lib/logger') as ShimLogger;
const contractApiLogger = require('fabric-contract-api/lib/logger') as ShimLogger;
const { JSONSerializer } = require('fabric-contract-api') as { JSONSerializer: unknown };

const fidm = createRequire(require.resolve('fabric-shim'))('@fidm/x509') as {
  Certificate: { fromPEM(data: Buffer | string): object };
};

// Loggers on the invoke path. winston formats every message before filtering by level, so at
// 'CRITICAL' these are silenced outright: their debug calls alone cost more than a signature.
const HOT_SHIM_LOGGERS = ['contracts-spi/chaincodefromcontract.js', 'contracts-spi/datamarshall.js', 'lib/chaincode.js', 'lib/stub.js', 'lib/iterators.js'];
const HOT_API_LOGGERS = ['./lib/jsontransactionserializer.js', './lib/contract.js'];

/**
 * Builds the router once, with the serializers fabric-shim's bootstrap
 * passes when a contract package exports no serializers of its own.
 */
export function buildContractRouter(contracts: ReadonlyArray<new () => object>, title: string, version: string): ContractRouter {
  const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
  // The router appends its system contract to the array it is given; hand it a copy.
  return new ChaincodeFromContract([...contracts], serializers, {}, title, version);
}

let parseMemoized = false;

/**
 * The router builds a ClientIdentity for every invocation, and that parses
 * the creator's certificate with @fidm/x509 in JavaScript: the costliest step
 * of a simulation. Parsing is a pure function of the PEM and ClientIdentity
 * only reads the result, so the parse is memoised per PEM (bounded). The
 * router still runs its own code on every call.
 */
export function memoizeCertificateParsing(): void {
  if (parseMemoized) return;
  parseMemoized = true;
  const parse = fidm.Certificate.fromPEM.bind(fidm.Certificate);
  const cache = new BoundedMap<string, object>(10_000);
  fidm.Certificate.fromPEM = (data: Buffer | string): object => {
    const key = typeof data === 'string' ? data : data.toString('latin1');
    let cert = cache.get(key);
    if (!cert) {
      cert = parse(data);
      cache.set(key, cert);
    }
    return cert;
  };
}

const INITIAL_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL;
const LEVELS: readonly string[] = ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'];

/**
 * Sets the level of fabric-shim's and fabric-contract-api's winston loggers.
 * The router logs every failed transaction at error level; 'CRITICAL' (the
 * default unless CORE_CHAINCODE_LOGGING_LEVEL says otherwise) silences that.
 */
export function setChaincodeLogLevel(level: ChaincodeLogLevel | undefined): void {
  const chosen = level ?? (INITIAL_LEVEL && LEVELS.includes(INITIAL_LEVEL.toUpperCase()) ? INITIAL_LEVEL.toUpperCase() : 'CRITICAL');
  if (!LEVELS.includes(chosen)) throw new TypeError(`chaincodeLogLevel must be one of ${LEVELS.join(', ')}`);
  shimLogger.setLevel(chosen);
  contractApiLogger.setLevel(chosen);
  // setLevel leaves winston's name ('fatal') in the environment, which the shim maps back to 'info' for loggers made later.
  process.env.CORE_CHAINCODE_LOGGING_LEVEL = chosen;
  const silent = chosen === 'CRITICAL';
  for (const name of HOT_SHIM_LOGGERS) silence(shimLogger.getLogger(name), silent);
  for (const name of HOT_API_LOGGERS) silence(contractApiLogger.getLogger(name), silent);
}
