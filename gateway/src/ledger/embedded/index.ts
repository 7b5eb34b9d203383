import { contracts } from '../../../../chaincode/src';
import { MSP, ORG_NAMES } from '../../../../chaincode/src/models';
import { openDevnet, EndorseError, CommitError, type Devnet } from '../../../../network/devnet';
import type { ChaincodeEvent } from '../../../../network/devnet/types';
import type { CertifiedKey, SigningIdentity } from '../../../../network/pki/types';
import type { ChainCheck, Committed, Ledger, LedgerEvent, LedgerTransaction } from '../ledger';
import { CodedError, isErrorCode, parseCodedMessage } from '../../../../chaincode/src/errors';

export interface EmbeddedOptions {
  /** The devnet's LedgerDB and crypto live here. */
  dataDir: string;
  block?: { maxTx?: number; timeoutMs?: number };
  /** See the devnet's `checkDeterminism`. */
  checkDeterminism?: boolean;
}

/** Channel and chaincode names, the same on the embedded ledger and on Fabric. */
export const CHANNEL = 'civic';
export const CHAINCODE = 'civic';

/** The consortium's orgs as the embedded network bootstraps them. */
export const CONSORTIUM = [
  { mspId: MSP.civil, name: ORG_NAMES.civil },
  { mspId: MSP.charity, name: ORG_NAMES.charity },
  { mspId: MSP.audit, name: ORG_NAMES.audit },
];

function toLedgerError(err: unknown): unknown {
  if (err instanceof EndorseError) {
    const parsed = parseCodedMessage(err.message);
    if (parsed) return new CodedError(parsed.code, parsed.detail, { txId: err.txId, cause: err });
    return new CodedError('INTERNAL', err.message, { txId: err.txId, cause: err });
  }
  if (err instanceof CommitError) {
    const code = isErrorCode(err.validationCode) ? err.validationCode : 'INTERNAL';
    return new CodedError(code, `transaction ${err.txId} was invalidated in block ${err.blockNumber} (${err.validationCode})`, { txId: err.txId, cause: err });
  }
  return err;
}

/** What the embedded engine's chain check covers for every block (network/devnet/chain.ts). */
const EMBEDDED_CHAIN_CHECKS = ['data-hash', 'hash-chain', 'transaction-signatures'] as const;

class EmbeddedLedger implements Ledger {
  readonly backend = 'embedded' as const;
  readonly supports = { blockProofs: true, events: true };
  readonly certificateAuthorities: ReadonlyMap<string, CertifiedKey>;
  readonly #devnet: Devnet;

  constructor(devnet: Devnet) {
    this.#devnet = devnet;
    this.certificateAuthorities = new Map([...devnet.orgs.values()].map((o) => [o.mspId, o.ca]));
  }

  async submit(identity: SigningIdentity, fn: string, args: string[]): Promise<Committed> {
    try {
      const r = await this.#devnet.submit(identity, fn, args);
      return { txId: r.txId, blockNumber: r.blockNumber, payload: Buffer.from(r.payload).toString('utf8') };
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async evaluate(identity: SigningIdentity, fn: string, args: string[]): Promise<string> {
    try {
      return Buffer.from(await this.#devnet.evaluate(identity, fn, args)).toString('utf8');
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async height(): Promise<number> {
    try {
      return await this.#devnet.height();
    } catch (err) {
      throw new CodedError('LEDGER_UNAVAILABLE', 'the embedded ledger is closed', { cause: err });
    }
  }

  blockTime(n: number): Promise<string | undefined> {
    return this.#devnet.blockTime(n);
  }

  transactionBlock(txId: string): Promise<number | undefined> {
    return this.#devnet.transactionBlock(txId);
  }

  async transaction(txId: string): Promise<LedgerTransaction | undefined> {
    const t = await this.#devnet.getTransaction(txId);
    if (!t) return undefined;
    const sep = t.function.indexOf(':');
    return {
      txId: t.txId,
      blockNumber: t.blockNumber,
      timestamp: t.timestamp,
      creator: t.creator,
      contract: sep >= 0 ? t.function.slice(0, sep) : '',
      function: sep >= 0 ? t.function.slice(sep + 1) : t.function,
      validationCode: t.validationCode,
      endorsers: t.endorsers,
      writes: t.writes,
    };
  }

  async verifyChain(): Promise<ChainCheck> {
    const v = await this.#devnet.verifyChain();
    return { ok: v.ok, height: v.height, checkedBlocks: v.checkedBlocks, firstBadBlock: v.firstBadBlock, checks: [...EMBEDDED_CHAIN_CHECKS] };
  }

  subscribe(listener: (event: LedgerEvent) => void, options: { fromBlock?: number } = {}): () => void {
    const toLedgerEvent = (e: ChaincodeEvent): LedgerEvent => ({ blockNumber: e.blockNumber, txId: e.txId, name: e.eventName, payload: Buffer.from(e.payload).toString('utf8') });
    const { fromBlock } = options;
    if (fromBlock === undefined) return this.#devnet.onEvent((e) => listener(toLedgerEvent(e)));
    // Listen first and read the height after: every block below it is replayed from the store, and
    // live events of those blocks that arrive meanwhile are dropped; later blocks wait their turn.
    let stopped = false;
    let replaying = true;
    const waiting: LedgerEvent[] = [];
    const off = this.#devnet.onEvent((e) => {
      if (stopped) return;
      if (replaying) waiting.push(toLedgerEvent(e));
      else listener(toLedgerEvent(e));
    });
    void (async () => {
      const height = await this.#devnet.height();
      for await (const e of this.#devnet.storedEvents(fromBlock, height)) {
        if (stopped) return;
        listener(toLedgerEvent(e));
      }
      replaying = false;
      for (const e of waiting.splice(0)) if (!stopped && e.blockNumber >= height) listener(e);
    })().catch((err: unknown) => process.emitWarning(`event replay failed: ${err instanceof Error ? err.message : String(err)}`));
    return () => {
      stopped = true;
      off();
    };
  }

  close(): Promise<void> {
    return this.#devnet.close();
  }
}

/** Opens the embedded ledger: the devnet engine running this repo's chaincode in-process. */
export async function embedded(options: EmbeddedOptions): Promise<Ledger> {
  const devnet = await openDevnet({
    dataDir: options.dataDir,
    contracts,
    orgs: CONSORTIUM,
    channel: CHANNEL,
    chaincodeName: CHAINCODE,
    block: options.block,
    checkDeterminism: options.checkDeterminism,
  });
  return new EmbeddedLedger(devnet);
}
