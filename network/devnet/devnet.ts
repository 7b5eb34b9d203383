import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { clientIdOf } from '../pki';
import type { SigningIdentity } from '../pki/types';
import { checkOrgDefinitions, genesisBlock, loadOrgMaterial, parseChannelConfig, requiredOrgs, type ChannelConfig } from './bootstrap';
import { BlockCutter } from './block-cutter';
import { ChainVerifier, computeBlockHash, computeDataHash } from './chain';
import { buildContractRouter, memoizeCertificateParsing, setChaincodeLogLevel } from './chaincode';
import { timestampToIso } from './clock';
import { Endorsers, type SimulationResult } from './endorser';
import { CommitError, EndorseError } from './errors';
import { LedgerStore, type StateView } from './ledger-store';
import { rwSetToJson } from './rwset';
import { MspRegistry } from './msp';
import { createSignedProposal, draftProposal, envelopeEvent, type OrderedTx, type SignedProposal, type TransactionEnvelope } from './transaction';
import type {
  ChainVerification,
  ChaincodeEvent,
  CommitResult,
  Devnet,
  DevnetOptions,
  InvokeOptions,
  OrgMaterial,
  RawBlock,
  StoredChaincodeEvent,
  TransactionInfo,
} from './types';
import { storedTransactionFault, validateBlock } from './validator';
import { BoundedMap } from '../../chaincode/src/bounded-map';

/** Defaults of {@link DevnetOptions}. */
export const DEVNET_DEFAULTS = {
  channel: 'civic-channel',
  chaincodeName: 'civic-ledger',
  endorsementPolicy: 'MAJORITY',
  sync: true,
  block: { maxTx: 500, maxBytes: 8 * 1024 * 1024, timeoutMs: 10, cutWhenIdle: true },
} as const;

interface Waiting {
  tx: OrderedTx;
  resolve(result: CommitResult): void;
  reject(err: Error): void;
}

interface Parts {
  store: LedgerStore;
  config: ChannelConfig;
  orgs: Map<string, OrgMaterial>;
  height: number;
  lastHash: string;
  options: DevnetOptions;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  return value;
}

class DevnetImpl implements Devnet {
  readonly channel: string;
  readonly chaincodeName: string;
  readonly orgs: ReadonlyMap<string, OrgMaterial>;
  readonly #store: LedgerStore;
  readonly #msp: MspRegistry;
  readonly #endorsers: Endorsers;
  readonly #cutter: BlockCutter<Waiting>;
  readonly #required: number;
  readonly #sync: boolean;
  readonly #listeners = new Set<(event: ChaincodeEvent) => void>();
  readonly #checkDeterminism: boolean;
  readonly #endorsing = new Set<Promise<unknown>>();
  /** Transactions this process signed and endorsed: their signatures need no second check before commit. */
  readonly #madeHere = new WeakSet<OrderedTx>();
  /** Key and certificate pairs whose proposal signature verified once. */
  readonly #provenSigners = new BoundedMap<string, true>(10_000);
  readonly #blocks: Waiting[][] = [];
  #committer: Promise<void> | undefined;
  #height: number;
  #lastHash: string;
  #closing: Promise<void> | undefined;
  /** Submits between their start and their hand-over to the orderer. */
  #ordering = 0;
  readonly #cutWhenIdle: boolean;

  constructor(parts: Parts) {
    const { config, options } = parts;
    this.channel = config.channel;
    this.chaincodeName = config.chaincode;
    this.orgs = parts.orgs;
    this.#store = parts.store;
    this.#height = parts.height;
    this.#lastHash = parts.lastHash;
    this.#sync = options.sync ?? DEVNET_DEFAULTS.sync;
    this.#checkDeterminism = options.checkDeterminism ?? false;
    this.#msp = new MspRegistry(config.orgs, options.now);
    this.#required = requiredOrgs(config.endorsementPolicy, config.orgs.length);
    this.#endorsers = new Endorsers({
      router: buildContractRouter(options.contracts, config.chaincode, '1.0.0'),
      store: parts.store,
      msp: this.#msp,
      channel: config.channel,
      chaincodeName: config.chaincode,
      orgs: config.orgs.map((o) => parts.orgs.get(o.mspId)!),
      required: this.#required,
    });
    const b = options.block ?? {};
    this.#cutWhenIdle = b.cutWhenIdle ?? DEVNET_DEFAULTS.block.cutWhenIdle;
    this.#cutter = new BlockCutter<Waiting>(
      {
        maxTx: Math.max(1, Math.floor(positive(b.maxTx, DEVNET_DEFAULTS.block.maxTx, 'block.maxTx'))),
        maxBytes: positive(b.maxBytes, DEVNET_DEFAULTS.block.maxBytes, 'block.maxBytes'),
        timeoutMs: positive(b.timeoutMs, DEVNET_DEFAULTS.block.timeoutMs, 'block.timeoutMs'),
      },
      (batch) => this.#enqueueBlock(batch),
    );
  }

  #checkOpen(): void {
    if (this.#closing) throw new Error('the devnet is closed');
  }

  /** Keeps close() waiting for proposals that are being simulated, so they still get ordered. */
  #track<T>(p: Promise<T>): Promise<T> {
    this.#endorsing.add(p);
    const done = (): void => {
      this.#endorsing.delete(p);
    };
    p.then(done, done);
    return p;
  }

  async submit(identity: SigningIdentity, fn: string, args: string[], options?: InvokeOptions): Promise<CommitResult> {
    this.#checkOpen();
    const signing = createSignedProposal(identity, { channel: this.channel, chaincode: this.chaincodeName }, fn, args, options?.transient);
    let committed!: Promise<CommitResult>;
    this.#ordering++;
    await this.#track(
      (async () => {
        let tx: OrderedTx;
        try {
          const sp = await signing;
          // Signed a moment ago in this process. The first proposal of each key and certificate has its signature
          // verified, which proves the key belongs to the certificate; later ones are checked for who made them.
          const pair = `${identity.certificatePem}\n${identity.privateKeyPem}`;
          if (this.#provenSigners.has(pair)) this.#endorsers.checkCreator(sp);
          else {
            await this.#endorsers.checkProposal(sp);
            this.#provenSigners.set(pair, true);
          }
          // Both simulations of the determinism check read one state: a block committing between them is no difference.
          const state = this.#checkDeterminism ? this.#store.view() : undefined;
          let sim: SimulationResult;
          try {
            sim = await this.#endorsers.simulate(sp, state);
            if (state) await this.#compareWithSecondPeer(sp, sim, state);
          } finally {
            await state?.close();
          }
          tx = await this.#endorsers.endorse(sp, sim);
          this.#madeHere.add(tx);
        } finally {
          this.#ordering--;
        }
        // Handed to the orderer before the tracked promise settles, so close() cannot cut ahead of it.
        committed = new Promise<CommitResult>((resolve, reject) => {
          this.#cutter.add({ tx, resolve, reject }, tx.bytes.length);
        });
      })().finally(() => this.#cutIfIdle()),
    );
    return committed;
  }

  /**
   * Cuts early when waiting cannot fill the block: the committer is idle and
   * no submitted proposal is still being endorsed. Under load the committer
   * is busy and blocks fill up to the limits, as they would on an orderer.
   */
  #cutIfIdle(): void {
    if (this.#cutWhenIdle && this.#ordering === 0 && !this.#committer && this.#cutter.pending > 0) this.#cutter.cut();
  }

  /**
   * Simulates without ordering. The creator must be a member of its org, but
   * the proposal is not signed: the client and this in-process peer share one
   * trust boundary, and nothing evaluated reaches a block.
   */
  async evaluate(identity: SigningIdentity, fn: string, args: string[], options?: InvokeOptions): Promise<Uint8Array> {
    this.#checkOpen();
    const proposal = draftProposal(identity, { channel: this.channel, chaincode: this.chaincodeName }, fn, args, options?.transient);
    return this.#track(
      (async () => {
        this.#endorsers.checkCreator(proposal);
        return (await this.#endorsers.simulate(proposal)).payload;
      })(),
    );
  }

  #enqueueBlock(batch: Waiting[]): void {
    this.#blocks.push(batch);
    this.#startCommitter();
  }

  /** One committer at a time: blocks validate and commit strictly in order while the cutter fills the next. */
  #startCommitter(): void {
    if (this.#committer) return;
    this.#committer = this.#commitLoop().finally(() => {
      this.#committer = undefined;
      // A block cut between the loop's last look at the queue and now would otherwise wait forever.
      if (this.#blocks.length > 0) this.#startCommitter();
    });
  }

  async #commitLoop(): Promise<void> {
    for (;;) {
      // The block that filled while the last one committed goes next, unless endorsements still feed it.
      if (this.#blocks.length === 0 && this.#cutWhenIdle && this.#ordering === 0) this.#cutter.cut();
      const batch = this.#blocks.shift();
      if (!batch) return;
      try {
        await this.#commitBlock(batch);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        for (const w of batch) w.reject(error);
      }
    }
  }

  async #commitBlock(batch: Waiting[]): Promise<void> {
    const blockNum = this.#height;
    const txs = batch.map((w) => w.tx);
    const { codes, updates } = await validateBlock(txs, {
      store: this.#store,
      msp: this.#msp,
      requiredEndorsements: this.#required,
      blockNum,
      madeHere: (tx) => this.#madeHere.has(tx),
    });
    const data = txs.map((t) => t.bytes);
    const header = { number: blockNum, previousHash: this.#lastHash, dataHash: computeDataHash(data) };
    const blockHash = computeBlockHash(header);
    const txIndex = txs.flatMap((t, txNum) => (codes[txNum] === 'DUPLICATE_TXID' ? [] : [{ txId: t.txId, txNum, validationCode: codes[txNum] }]));
    await this.#store.commitBlock({ block: { header, data, metadata: { validationCodes: codes } }, blockHash, updates, txIndex }, this.#sync);
    this.#height = blockNum + 1;
    this.#lastHash = blockHash;

    const events: ChaincodeEvent[] = [];
    batch.forEach((w, txNum) => {
      const code = codes[txNum];
      if (code === 'VALID') {
        w.resolve({ txId: w.tx.txId, blockNumber: blockNum, payload: w.tx.payload });
        if (w.tx.event) {
          events.push({ blockNumber: blockNum, txId: w.tx.txId, chaincodeName: this.chaincodeName, eventName: w.tx.event.name, payload: w.tx.event.payload });
        }
      } else {
        w.reject(new CommitError(code, w.tx.txId, blockNum));
      }
    });
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (err) {
          // A failing listener must not stop the committer or starve the other listeners.
          process.emitWarning(`devnet event listener threw: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }

  async height(): Promise<number> {
    // A closed devnet still knows its last height, but answering with it would report a ledger that is gone as ready.
    if (this.#closing) throw new Error('the devnet is closed');
    return this.#height;
  }

  async transactionBlock(txId: string): Promise<number | undefined> {
    if (typeof txId !== 'string') throw new TypeError('txId must be a string');
    return (await this.#store.getTxLocation(txId))?.blockNum;
  }

  async getTransaction(txId: string): Promise<TransactionInfo | undefined> {
    if (typeof txId !== 'string') throw new TypeError('txId must be a string');
    const loc = await this.#store.getTxLocation(txId);
    if (!loc) return undefined;
    const stored = await this.#store.getBlockTransaction(loc.blockNum, loc.txNum);
    if (!stored) return undefined;
    const env = JSON.parse(stored.envelope) as TransactionEnvelope;
    const validationCode = stored.validationCode;
    return {
      txId,
      blockNumber: loc.blockNum,
      txNum: loc.txNum,
      timestamp: timestampToIso(env.proposal.timestamp),
      creator: { mspId: env.proposal.creator.mspId, id: clientIdOf(env.proposal.creator.certificatePem) },
      function: env.proposal.fn,
      validationCode,
      endorsers: env.endorsements.map((e) => e.mspId),
      // An invalid transaction wrote nothing.
      writes: validationCode === 'VALID' ? env.response.rwset.writes.map((w) => w.key) : [],
    };
  }

  /**
   * Simulates `sp` again, in a time zone far from the first (as a peer of
   * another org elsewhere would), and refuses the transaction when anything
   * it would sign differs. TZ is process-wide, so only test runs turn this on.
   */
  async #compareWithSecondPeer(sp: SignedProposal, first: SimulationResult, state: StateView): Promise<void> {
    const zone = process.env.TZ;
    process.env.TZ = zone === 'Pacific/Kiritimati' ? 'America/Adak' : 'Pacific/Kiritimati';
    let second: SimulationResult;
    try {
      second = await this.#endorsers.simulate(sp, state);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    const signed = (s: SimulationResult): string =>
      JSON.stringify([rwSetToJson(s.rwset), s.status, s.message, s.payload.toString('base64'), s.event?.name ?? null, s.event?.payload.toString('base64') ?? null]);
    if (signed(first) !== signed(second)) {
      throw new EndorseError(`ENDORSEMENT_POLICY_FAILURE: two endorsers' simulations of ${sp.proposal.fn} differ (non-deterministic chaincode)`, sp.proposal.txId);
    }
  }

  /**
   * The chaincode events of blocks [from, to), from one batched read of the
   * stored blocks. Of each envelope only the event is decoded (see
   * envelopeEvent), a block at a time with a turn of the event loop between
   * blocks, so a long replay never holds up other work; an event whose name
   * is not wanted keeps its payload undecoded.
   */
  async storedEvents(from: number, to: number, options: { names?: ReadonlySet<string> } = {}): Promise<StoredChaincodeEvent[]> {
    const { names } = options;
    const first = Math.max(1, from);
    const blocks = await this.#store.getRawBlocks(first, to);
    const out: StoredChaincodeEvent[] = [];
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i];
      if (!block) break;
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const n = first + i;
      let index = 0;
      for (let txNum = 0; txNum < block.data.length; txNum++) {
        if (block.metadata.validationCodes[txNum] !== 'VALID') continue;
        const { txId, event } = envelopeEvent(block.data[txNum]);
        if (!event) continue;
        const k = index++;
        if (names && !names.has(event.name)) continue;
        out.push({ blockNumber: n, index: k, txId, chaincodeName: this.chaincodeName, eventName: event.name, payload: Buffer.from(event.payload, 'base64') });
      }
    }
    return out;
  }

  /** When block `n` was made: the timestamp of its first transaction (undefined for the genesis block or a block not there). */
  async blockTime(n: number): Promise<string | undefined> {
    if (n < 1) return undefined;
    const stored = await this.#store.getBlockTransaction(n, 0);
    if (!stored) return undefined;
    return timestampToIso((JSON.parse(stored.envelope) as TransactionEnvelope).proposal.timestamp);
  }

  async verifyChain(): Promise<ChainVerification> {
    const head = await this.#store.getHead();
    const height = head?.height ?? 0;
    const verifier = new ChainVerifier();
    const scan = this.#store.scanBlocks();
    try {
      for (let entry = await scan.next(); entry; entry = await scan.next()) {
        const expected = verifier.checkedBlocks;
        if (entry.storedAs !== expected) {
          verifier.fail(expected, `block ${expected} is missing from the store`);
          break;
        }
        if (!verifier.push(entry.block)) break;
        const fault = await this.#signatureFault(entry.block);
        if (fault) {
          verifier.reject(fault);
          break;
        }
      }
    } catch (err) {
      // An undecodable block is a broken chain, not an engine failure.
      verifier.fail(verifier.checkedBlocks, `block ${verifier.checkedBlocks} cannot be decoded: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await scan.close();
    }
    const result = verifier.result(height);
    if (result.ok && result.checkedBlocks !== height) {
      verifier.fail(result.checkedBlocks, `the chain head says ${height} blocks, the store holds ${result.checkedBlocks}`);
    } else if (result.ok && head && verifier.lastHash !== head.lastHash) {
      verifier.fail(height - 1, `the chain head hash does not match block ${height - 1}`);
    }
    return verifier.result(height);
  }

  /**
   * Re-checks the creator's and endorsers' signatures of every valid
   * transaction of a stored block: commit does not verify again what this
   * process signed itself, so reading the blocks back is where they are checked.
   */
  async #signatureFault(block: RawBlock): Promise<string | undefined> {
    if (block.header.number === 0) return undefined;
    const faults = await Promise.all(
      block.data.map((envelope, txNum) =>
        block.metadata.validationCodes[txNum] === 'VALID' ? storedTransactionFault(envelope, this.#msp, this.#required) : Promise.resolve(undefined),
      ),
    );
    const fault = faults.find((f) => f !== undefined);
    return fault === undefined ? undefined : `block ${block.header.number}: ${fault}`;
  }

  onEvent(listener: (event: ChaincodeEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      // Proposals already in simulation still reach a block; then everything queued is cut and committed.
      while (this.#endorsing.size > 0) await Promise.allSettled([...this.#endorsing]);
      this.#cutter.cut();
      while (this.#committer) await this.#committer;
      this.#listeners.clear();
      await this.#store.close();
    })();
    return this.#closing;
  }
}

/**
 * Opens the embedded ledger in `options.dataDir`. The first open of an empty
 * directory creates each org's CA and peer under `crypto/<mspId>/` and the
 * LevelDB under `ledger/` with a genesis block holding the channel config;
 * later opens load both and continue from the stored chain head.
 */
export async function openDevnet(options: DevnetOptions): Promise<Devnet> {
  if (!options || typeof options.dataDir !== 'string' || options.dataDir.length === 0) {
    throw new TypeError('dataDir must be a non-empty string');
  }
  if (!Array.isArray(options.contracts) || options.contracts.length === 0 || options.contracts.some((c) => typeof c !== 'function')) {
    throw new TypeError('contracts must be a non-empty array of Contract classes');
  }
  checkOrgDefinitions(options.orgs);
  const policy = options.endorsementPolicy;
  if (policy !== undefined && !['ANY', 'MAJORITY', 'ALL'].includes(policy)) {
    throw new TypeError(`endorsementPolicy must be ANY, MAJORITY or ALL, got ${String(policy)}`);
  }
  setChaincodeLogLevel(options.chaincodeLogLevel);
  memoizeCertificateParsing();

  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const store = await LedgerStore.open(join(options.dataDir, 'ledger'));
  try {
    const head = await store.getHead();
    const orgs = new Map<string, OrgMaterial>();
    let config: ChannelConfig;
    let height: number;
    let lastHash: string;
    if (!head) {
      for (const org of options.orgs) orgs.set(org.mspId, await loadOrgMaterial(options.dataDir, org, true));
      config = {
        type: 'config',
        channel: options.channel ?? DEVNET_DEFAULTS.channel,
        chaincode: options.chaincodeName ?? DEVNET_DEFAULTS.chaincodeName,
        endorsementPolicy: policy ?? DEVNET_DEFAULTS.endorsementPolicy,
        orgs: options.orgs.map((o) => ({ mspId: o.mspId, name: o.name, caCertificatePem: orgs.get(o.mspId)!.ca.certificatePem })),
      };
      const genesis = genesisBlock(config);
      await store.commitBlock({ block: genesis.block, blockHash: genesis.hash, updates: [], txIndex: [] }, true);
      height = 1;
      lastHash = genesis.hash;
    } else {
      const genesis = await store.getBlock(0);
      config = parseChannelConfig(genesis?.data[0]);
      checkMatchesConfig(options, config);
      for (const org of config.orgs) {
        const material = await loadOrgMaterial(options.dataDir, org, false);
        if (material.ca.certificatePem !== org.caCertificatePem) {
          throw new Error(`the CA certificate in crypto/${org.mspId} is not the one in the channel config`);
        }
        orgs.set(org.mspId, material);
      }
      height = head.height;
      lastHash = head.lastHash;
    }
    return new DevnetImpl({ store, config, orgs, height, lastHash, options });
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** The channel config is fixed at bootstrap; options that contradict it are a mistake worth stopping for. */
function checkMatchesConfig(options: DevnetOptions, config: ChannelConfig): void {
  const configured = config.orgs.map((o) => o.mspId).sort();
  const given = options.orgs.map((o) => o.mspId).sort();
  if (configured.join('\n') !== given.join('\n')) {
    throw new Error(`orgs ${given.join(', ')} differ from the channel config's ${configured.join(', ')}`);
  }
  const mismatch = (what: string, given: string | undefined, stored: string): void => {
    if (given !== undefined && given !== stored) throw new Error(`${what} ${given} differs from the channel config's ${stored}`);
  };
  mismatch('channel', options.channel, config.channel);
  mismatch('chaincodeName', options.chaincodeName, config.chaincode);
  mismatch('endorsementPolicy', options.endorsementPolicy, config.endorsementPolicy);
}
