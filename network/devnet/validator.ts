import { sha256, verifySignatureAsync } from '../pki';
import { compareKeys } from './keys';
import type { LedgerStore, StateUpdate } from './ledger-store';
import type { MspRegistry } from './msp';
import { sameVersion, type RangeQueryInfo, type Version } from './rwset';
import { computeTxId, type OrderedTx, type Proposal, type ProposalResponsePayload, type TransactionEnvelope } from './transaction';
import type { ValidationCode } from './types';

/** What validation needs besides the transactions. */
export interface ValidationContext {
  store: LedgerStore;
  msp: MspRegistry;
  /** Distinct orgs whose peers must have endorsed. */
  requiredEndorsements: number;
  blockNum: number;
  /**
   * True for a transaction this very process signed and endorsed moments
   * ago. Its signatures are not verified again (they stay in the block, and
   * ledger verification checks them when it reads the block back); its
   * identities, transaction id and endorsement policy still are.
   */
  madeHere?: (tx: OrderedTx) => boolean;
}

/** The signed parts of a transaction: what the signature checks look at. */
interface SignedParts extends Pick<OrderedTx, 'txId' | 'signature' | 'endorsements'> {
  /** The bytes the creator signed (a string is hashed as UTF-8). */
  proposalBytes: string | Uint8Array;
  /** The bytes the endorsers signed. */
  responseBytes: string | Uint8Array;
  proposal: Pick<Proposal, 'nonce' | 'creator' | 'timestamp'>;
  response: Pick<ProposalResponsePayload, 'txId' | 'proposalHash'>;
}

/** How the signature checks get their digests and signature verdicts. */
interface SignatureMode {
  /** When the identities must have been valid: now at commit, the transaction's own time when read back. */
  at(tx: SignedParts): Date | undefined;
  proposalDigest(tx: SignedParts): Buffer;
  responseDigest(tx: SignedParts): Buffer;
  verify(publicKey: Parameters<typeof verifySignatureAsync>[0], digest: Buffer, signature: Buffer): Promise<boolean>;
}

/** Hashes and verifies everything, identities as of now: for transactions not made in this process. */
const VERIFY_ALL: SignatureMode = {
  at: () => undefined,
  proposalDigest: (tx) => sha256(tx.proposalBytes),
  responseDigest: (tx) => sha256(tx.responseBytes),
  verify: verifySignatureAsync,
};

/**
 * For a transaction read back from a block: everything verified, and the
 * identities checked at the transaction's own time (its signed timestamp),
 * as they were at commit, so a certificate that lapsed since does not turn
 * an old transaction bad.
 */
const AT_THEIR_TIME: SignatureMode = {
  ...VERIFY_ALL,
  at: (tx) => new Date(Number(tx.proposal.timestamp.seconds) * 1000 + Math.floor(tx.proposal.timestamp.nanos / 1e6)),
};

/** For a transaction made in this process: the digests it was signed over, and no second verification. */
function madeHereMode(tx: OrderedTx): SignatureMode {
  return {
    at: () => undefined,
    proposalDigest: () => tx.proposalDigest,
    responseDigest: () => tx.responseDigest,
    verify: async () => true,
  };
}

/** Validation codes in block order, and the writes of the valid transactions. */
export interface BlockValidation {
  codes: ValidationCode[];
  updates: StateUpdate[];
}

/**
 * Writes of earlier valid transactions of the block being validated. Later
 * transactions validate against these as if they were committed.
 */
class PendingUpdates {
  readonly #byKey = new Map<string, StateUpdate>();
  #sorted: string[] = [];
  #dirty = false;

  get(key: string): StateUpdate | undefined {
    return this.#byKey.get(key);
  }

  add(u: StateUpdate): void {
    if (!this.#byKey.has(u.key)) this.#dirty = true;
    this.#byKey.set(u.key, u);
  }

  /** Updated keys inside a range, in store order. Sorting happens only when a range check needs it. */
  keysInRange(start: string, end: string, endInclusive: boolean): string[] {
    if (this.#byKey.size === 0) return [];
    if (this.#dirty) {
      this.#sorted = [...this.#byKey.keys()].sort(compareKeys);
      this.#dirty = false;
    }
    const keys = this.#sorted;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(keys[mid], start) < 0) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < keys.length; i++) {
      if (end !== '') {
        const c = compareKeys(keys[i], end);
        if (c > 0 || (c === 0 && !endInclusive)) break;
      }
      out.push(keys[i]);
    }
    return out;
  }
}

/**
 * Re-runs a recorded range read over committed state plus the block's
 * earlier valid writes; true when it yields the same keys at the same versions.
 */
async function rangeUnchanged(info: RangeQueryInfo, store: LedgerStore, pending: PendingUpdates): Promise<boolean> {
  const endInclusive = !info.itrExhausted;
  const updated = pending.keysInRange(info.startKey, info.endKey, endInclusive);
  const scan = store.scanState(info.startKey, info.endKey, endInclusive);
  try {
    let committed = await scan.next();
    let ui = 0;
    let ri = 0;
    for (;;) {
      let key: string;
      let version: Version;
      const u = ui < updated.length ? updated[ui] : undefined;
      if (committed && (u === undefined || compareKeys(committed.key, u) < 0)) {
        key = committed.key;
        version = committed.version;
        committed = await scan.next();
      } else if (u !== undefined) {
        ui++;
        if (committed && committed.key === u) committed = await scan.next();
        const w = pending.get(u)!;
        if (w.isDelete) continue;
        key = u;
        version = w.version;
      } else {
        break;
      }
      const read = info.reads[ri++];
      if (!read || read.key !== key || !sameVersion(read.version, version)) return false;
    }
    return ri === info.reads.length;
  } finally {
    await scan.close();
  }
}

async function checkCreator(tx: SignedParts, msp: MspRegistry, proposalDigest: Buffer, mode: SignatureMode): Promise<boolean> {
  const { proposal } = tx;
  const creator = msp.check(proposal.creator.mspId, proposal.creator.certificatePem, undefined, mode.at(tx));
  if (!creator.ok) return false;
  if (computeTxId(Buffer.from(proposal.nonce, 'base64'), proposal.creator.mspId, proposal.creator.certificatePem) !== tx.txId) {
    return false;
  }
  return mode.verify(creator.info.publicKey, proposalDigest, tx.signature);
}

async function checkEndorsements(tx: SignedParts, msp: MspRegistry, proposalDigest: Buffer, required: number, mode: SignatureMode): Promise<boolean> {
  // The endorsements must be over this very proposal.
  if (tx.response.txId !== tx.txId || tx.response.proposalHash !== proposalDigest.toString('hex')) return false;
  const digest = mode.responseDigest(tx);
  const valid = await Promise.all(
    tx.endorsements.map(async (e) => {
      const peer = msp.check(e.mspId, e.certificatePem, 'peer', mode.at(tx));
      return peer.ok && (await mode.verify(peer.info.publicKey, digest, e.signature)) ? e.mspId : undefined;
    }),
  );
  const orgs = new Set(valid.filter((m): m is string => m !== undefined));
  return orgs.size >= required;
}

/** The checks that do not depend on state: run for the whole block at once, off the event loop. */
async function checkSignatures(tx: SignedParts, msp: MspRegistry, required: number, mode: SignatureMode): Promise<ValidationCode> {
  const proposalDigest = mode.proposalDigest(tx);
  const [creatorOk, endorsedOk] = await Promise.all([
    checkCreator(tx, msp, proposalDigest, mode),
    checkEndorsements(tx, msp, proposalDigest, required, mode),
  ]);
  if (!creatorOk) return 'BAD_CREATOR_SIGNATURE';
  return endorsedOk ? 'VALID' : 'ENDORSEMENT_POLICY_FAILURE';
}

/**
 * Checks the creator's and the endorsers' signatures of a transaction as a
 * block stores it (its envelope's JSON), the way validation checked them:
 * undefined when they hold, else why not.
 */
export async function storedTransactionFault(envelope: Buffer, msp: MspRegistry, required: number): Promise<string | undefined> {
  const parts = signedPartsOf(envelope);
  if (!parts) return 'is not a transaction envelope';
  let code: ValidationCode;
  try {
    code = await checkSignatures(parts, msp, required, AT_THEIR_TIME);
  } catch {
    return 'is not a transaction envelope';
  }
  if (code === 'BAD_CREATOR_SIGNATURE') return `transaction ${parts.txId}: the creator's signature or identity does not verify`;
  if (code === 'ENDORSEMENT_POLICY_FAILURE') return `transaction ${parts.txId}: its endorsements do not verify or do not satisfy the endorsement policy`;
  return undefined;
}

const ENVELOPE_START = Buffer.from('{"proposal":');
const SIGNATURE_AT = Buffer.from(',"signature":"');
const RESPONSE_AT = Buffer.from(',"response":');
const ENDORSEMENTS_AT = Buffer.from(',"endorsements":');
const ENVELOPE_END = Buffer.from(']}');
const QUOTE = 0x22;

/** The JSON object of `head` up to (not including) the first `,"<key>":`, closed, parsed. */
function parseHead<T>(bytes: Buffer, key: string): T {
  const end = bytes.indexOf(`,"${key}":`);
  if (end < 0) throw new Error(`no ${key}`);
  return JSON.parse(`${bytes.toString('utf8', 0, end)}}`) as T;
}

/**
 * The signed byte ranges of a stored envelope, cut out of its bytes rather
 * than decoded, parsed and serialised again: the envelope is spliced from
 * them verbatim (see assembleTransaction), and an import's response runs to
 * megabytes. Only the small heads of the proposal and the response are
 * parsed. Inside JSON strings every quote is escaped, so a marker such as
 * `,"signature":"` can only be the envelope's own. Undefined when the
 * envelope is not of that shape.
 */
function signedPartsOf(envelope: Buffer): SignedParts | undefined {
  try {
    const n = envelope.length;
    if (!envelope.subarray(0, ENVELOPE_START.length).equals(ENVELOPE_START) || !envelope.subarray(n - ENVELOPE_END.length).equals(ENVELOPE_END)) return undefined;
    const proposalEnd = envelope.indexOf(SIGNATURE_AT);
    const signatureEnd = proposalEnd < 0 ? -1 : envelope.indexOf(QUOTE, proposalEnd + SIGNATURE_AT.length);
    const endorsementsAt = envelope.lastIndexOf(ENDORSEMENTS_AT);
    const responseAt = signatureEnd + 1;
    if (signatureEnd < 0 || !envelope.subarray(responseAt, responseAt + RESPONSE_AT.length).equals(RESPONSE_AT) || endorsementsAt < responseAt) return undefined;
    const proposalBytes = envelope.subarray(ENVELOPE_START.length, proposalEnd);
    const responseBytes = envelope.subarray(responseAt + RESPONSE_AT.length, endorsementsAt);
    // The proposal's keys come in a fixed order, creator before fn and args; the response's txId and proposalHash first.
    const proposal = parseHead<Pick<Proposal, 'txId' | 'nonce' | 'creator' | 'timestamp'>>(proposalBytes, 'fn');
    const response = parseHead<Pick<ProposalResponsePayload, 'txId' | 'proposalHash'>>(responseBytes, 'chaincode');
    const endorsements = JSON.parse(envelope.toString('utf8', endorsementsAt + ENDORSEMENTS_AT.length, n - 1)) as TransactionEnvelope['endorsements'];
    if (typeof proposal.txId !== 'string' || typeof proposal.nonce !== 'string' || !proposal.creator || !proposal.timestamp || !Array.isArray(endorsements)) return undefined;
    return {
      txId: proposal.txId,
      proposal,
      proposalBytes,
      signature: Buffer.from(envelope.toString('latin1', proposalEnd + SIGNATURE_AT.length, signatureEnd), 'base64'),
      response,
      responseBytes,
      endorsements: endorsements.map((e) => ({ mspId: e.mspId, certificatePem: e.certificatePem, signature: Buffer.from(e.signature, 'base64') })),
    };
  } catch {
    return undefined;
  }
}

/**
 * Validates a block's transactions in order, as a Fabric committer does:
 * duplicate ids, creator, endorsement policy, then MVCC read versions and
 * range (phantom) reads against committed state plus earlier valid writes of
 * the same block. Invalid transactions keep their place; their writes are dropped.
 */
export async function validateBlock(txs: readonly OrderedTx[], ctx: ValidationContext): Promise<BlockValidation> {
  const { store, msp, blockNum } = ctx;
  const readKeys = new Set<string>();
  for (const tx of txs) for (const r of tx.rwset.reads) readKeys.add(r.key);
  const [known, committed, signatures] = await Promise.all([
    store.knownTxIds(txs.map((t) => t.txId)),
    store.getVersions([...readKeys]),
    Promise.all(txs.map((tx) => checkSignatures(tx, msp, ctx.requiredEndorsements, ctx.madeHere?.(tx) ? madeHereMode(tx) : VERIFY_ALL))),
  ]);

  const pending = new PendingUpdates();
  const seen = new Set<string>();
  const codes: ValidationCode[] = [];
  const updates: StateUpdate[] = [];

  for (let txNum = 0; txNum < txs.length; txNum++) {
    const tx = txs[txNum];
    const code = await validateOne(tx, signatures[txNum]);
    codes.push(code);
    seen.add(tx.txId);
    if (code !== 'VALID') continue;
    const version = { blockNum, txNum };
    for (const w of tx.rwset.writes) {
      const u: StateUpdate = { key: w.key, isDelete: w.isDelete, value: w.value, version, txId: tx.txId, timestamp: tx.proposal.timestamp };
      pending.add(u);
      updates.push(u);
    }
  }
  return { codes, updates };

  async function validateOne(tx: OrderedTx, signatureCode: ValidationCode): Promise<ValidationCode> {
    if (known.has(tx.txId) || seen.has(tx.txId)) return 'DUPLICATE_TXID';
    if (signatureCode !== 'VALID') return signatureCode;
    for (const r of tx.rwset.reads) {
      // Any write to a read key earlier in the block invalidates the read, as in Fabric.
      if (pending.get(r.key)) return 'MVCC_READ_CONFLICT';
      if (!sameVersion(r.version, committed.get(r.key))) return 'MVCC_READ_CONFLICT';
    }
    for (const range of tx.rwset.rangeQueries) {
      if (!(await rangeUnchanged(range, store, pending))) return 'PHANTOM_READ_CONFLICT';
    }
    return 'VALID';
  }
}
