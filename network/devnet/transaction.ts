import { createHash, randomFillSync } from 'node:crypto';
import { certificateInfo, sha256, signDigestAsync } from '../pki';
import type { SigningIdentity } from '../pki/types';
import { nowTimestamp } from './clock';
import type { TxTimestamp } from './ledger-store';
import type { TxRwSet, TxRwSetJson } from './rwset';
import { BoundedMap } from '../../chaincode/src/bounded-map';

/** A transaction proposal as the client builds and signs it. */
export interface Proposal {
  channel: string;
  chaincode: string;
  txId: string;
  /** Base64 of 24 random bytes. */
  nonce: string;
  /** The client's clock; what the chaincode sees as getTxTimestamp(). */
  timestamp: TxTimestamp;
  creator: { mspId: string; certificatePem: string };
  /** `Contract:Function`. */
  fn: string;
  args: string[];
}

/** A proposal with the creator's signature over the SHA-256 of its JSON bytes. */
export interface SignedProposal {
  proposal: Proposal;
  /** The exact JSON that was hashed and signed; stored verbatim in the envelope. */
  bytes: string;
  digest: Buffer;
  signature: Buffer;
  /** Transient data: goes to the chaincode, never into the envelope. */
  transient: Map<string, Uint8Array>;
}

/** A chaincode event as proposed by setEvent. */
export interface ChaincodeEventData {
  name: string;
  payload: Buffer;
}

/** What endorsing peers sign: the simulation's outcome, bound to the proposal. */
export interface ProposalResponsePayload {
  txId: string;
  /** Hex SHA-256 of the proposal's JSON bytes. */
  proposalHash: string;
  chaincode: string;
  rwset: TxRwSetJson;
  response: { status: number; message: string; payload: string };
  event: { name: string; payload: string } | null;
}

/** One peer's endorsement: its certificate and its signature over SHA-256 of the response payload bytes. */
export interface Endorsement {
  mspId: string;
  certificatePem: string;
  signature: Buffer;
}

/** The JSON stored as one entry of a block's data. */
export interface TransactionEnvelope {
  proposal: Proposal;
  /** Base64 of the creator's signature. */
  signature: string;
  response: ProposalResponsePayload;
  endorsements: Array<{ mspId: string; certificatePem: string; signature: string }>;
}

/** An endorsed transaction on its way through ordering and validation. */
export interface OrderedTx {
  readonly txId: string;
  /** The envelope's bytes, exactly as hashed into and stored in the block. */
  readonly bytes: Buffer;
  readonly proposal: Proposal;
  readonly proposalBytes: string;
  /** SHA-256 of `proposalBytes`, as the client computed it when signing. */
  readonly proposalDigest: Buffer;
  readonly signature: Buffer;
  /** The exact JSON of the response payload that the endorsements sign. */
  readonly responseBytes: string;
  /** SHA-256 of `responseBytes`, as the endorsing peers computed it when signing. */
  readonly responseDigest: Buffer;
  readonly response: ProposalResponsePayload;
  /** The read-write set of `response`, with values as Buffers. */
  readonly rwset: TxRwSet;
  readonly event: ChaincodeEventData | undefined;
  readonly payload: Buffer;
  readonly endorsements: readonly Endorsement[];
}

const NONCE_BYTES = 24;
const NONCES_PER_FILL = 512;
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

/**
 * 24 fresh random bytes. They are drawn from the CSPRNG 512 nonces at a
 * time: one call into OpenSSL per nonce cost more than the rest of building
 * an evaluated proposal. Each nonce is a copy, so none shares memory with the pool.
 */
function nextNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomFillSync(Buffer.allocUnsafe(NONCE_BYTES * NONCES_PER_FILL));
    nonceOffset = 0;
  }
  const nonce = Buffer.from(noncePool.subarray(nonceOffset, nonceOffset + NONCE_BYTES));
  // Spent bytes are wiped, so the pool never holds a nonce that was handed out.
  noncePool.fill(0, nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/** Fabric's transaction id: hex SHA-256 of the nonce followed by the creator's bytes. */
export function computeTxId(nonce: Uint8Array, mspId: string, certificatePem: string): string {
  return createHash('sha256').update(nonce).update(creatorBytes(mspId, certificatePem)).digest('hex');
}

/** By certificate, then MSP ID: keyed by the strings themselves, whose hashes V8 keeps. */
const creators = new BoundedMap<string, Map<string, Buffer>>(10_000);

/** The creator's bytes as a transaction id hashes them, encoded once per identity. */
function creatorBytes(mspId: string, certificatePem: string): Buffer {
  let byMsp = creators.get(certificatePem);
  if (!byMsp) {
    byMsp = new Map();
    creators.set(certificatePem, byMsp);
  }
  let bytes = byMsp.get(mspId);
  if (!bytes) {
    bytes = Buffer.from(mspId + certificatePem, 'utf8');
    byMsp.set(mspId, bytes);
  }
  return bytes;
}

function checkIdentity(identity: SigningIdentity): void {
  if (!identity || typeof identity !== 'object') throw new TypeError('identity must be a SigningIdentity');
  for (const field of ['mspId', 'certificatePem', 'privateKeyPem'] as const) {
    if (typeof identity[field] !== 'string' || identity[field].length === 0) {
      throw new TypeError(`identity.${field} must be a non-empty string`);
    }
  }
}

/** What a peer needs to check and simulate a proposal. */
export type ProposalDraft = Pick<SignedProposal, 'proposal' | 'transient'>;

/**
 * Client side: drafts a proposal, without the bytes and digest that only
 * signing needs (an evaluation is never signed). Argument errors throw synchronously.
 */
export function draftProposal(
  identity: SigningIdentity,
  target: { channel: string; chaincode: string },
  fn: string,
  args: string[],
  transient: Record<string, Uint8Array> | undefined,
): ProposalDraft {
  checkIdentity(identity);
  if (typeof fn !== 'string' || fn.length === 0) throw new TypeError('fn must be a non-empty string');
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw new TypeError('args must be an array of strings');
  const transientMap = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(transient ?? {})) {
    if (!(v instanceof Uint8Array)) throw new TypeError(`transient value ${k} must be a Uint8Array`);
    transientMap.set(k, v);
  }
  // Fails fast, as a client library would, when the certificate is not a certificate at all.
  certificateInfo(identity.certificatePem);

  const nonce = nextNonce();
  const proposal: Proposal = {
    channel: target.channel,
    chaincode: target.chaincode,
    txId: computeTxId(nonce, identity.mspId, identity.certificatePem),
    nonce: nonce.toString('base64'),
    timestamp: nowTimestamp(),
    creator: { mspId: identity.mspId, certificatePem: identity.certificatePem },
    fn,
    args: [...args],
  };
  return { proposal, transient: transientMap };
}

/** Client side: builds a proposal and signs it with the identity's key. Argument errors throw synchronously. */
export function createSignedProposal(
  identity: SigningIdentity,
  target: { channel: string; chaincode: string },
  fn: string,
  args: string[],
  transient: Record<string, Uint8Array> | undefined,
): Promise<SignedProposal> {
  const draft = draftProposal(identity, target, fn, args, transient);
  const bytes = JSON.stringify(draft.proposal);
  const digest = sha256(bytes);
  return signDigestAsync(identity.privateKeyPem, digest).then((signature) => ({ ...draft, bytes, digest, signature }));
}

/** Assembles the envelope that the orderer puts into a block. */
export function assembleTransaction(
  sp: SignedProposal,
  response: ProposalResponsePayload,
  responseBytes: string,
  responseDigest: Buffer,
  rwset: TxRwSet,
  event: ChaincodeEventData | undefined,
  payload: Buffer,
  endorsements: readonly Endorsement[],
): OrderedTx {
  const signature = sp.signature.toString('base64');
  const endorsementsJson = JSON.stringify(
    endorsements.map((e) => ({ mspId: e.mspId, certificatePem: e.certificatePem, signature: e.signature.toString('base64') })),
  );
  // Spliced from the already-serialised parts so the signed bytes appear verbatim in the block.
  const envelope = `{"proposal":${sp.bytes},"signature":"${signature}","response":${responseBytes},"endorsements":${endorsementsJson}}`;
  return {
    txId: sp.proposal.txId,
    bytes: Buffer.from(envelope, 'utf8'),
    proposal: sp.proposal,
    proposalBytes: sp.bytes,
    proposalDigest: sp.digest,
    signature: sp.signature,
    responseBytes,
    responseDigest,
    response,
    rwset,
    event,
    payload,
    endorsements,
  };
}

const ENVELOPE_START = Buffer.from('{"proposal":{');
const TXID_AT = Buffer.from('"txId":"');
const EVENT_AT = Buffer.from(',"event":');
const ENDORSEMENTS_AT = Buffer.from(',"endorsements":');
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;

function isEventField(v: unknown): v is ProposalResponsePayload['event'] {
  if (v === null) return true;
  const e = v as { name?: unknown; payload?: unknown } | undefined;
  return typeof e === 'object' && typeof e.name === 'string' && typeof e.payload === 'string';
}

/**
 * The transaction id and chaincode event of a stored envelope, cut out of
 * its bytes as the validator cuts out the signed parts: the envelope is
 * spliced by {@link assembleTransaction}, the event is the response's last
 * field (just before `,"endorsements":`) and the txId the proposal's third,
 * so the arguments and the read-write set, most of an import's megabytes,
 * are never decoded. Inside JSON strings every quote is escaped, so these
 * markers can only be the envelope's own. An envelope of another shape is
 * decoded whole.
 */
export function envelopeEvent(envelope: Buffer): { txId: string; event: ProposalResponsePayload['event'] } {
  const endorsementsAt = envelope.lastIndexOf(ENDORSEMENTS_AT);
  const eventAt = endorsementsAt < 0 ? -1 : envelope.lastIndexOf(EVENT_AT, endorsementsAt);
  const txIdAt = envelope.indexOf(TXID_AT) + TXID_AT.length;
  if (eventAt > 0 && txIdAt > TXID_AT.length && envelope[endorsementsAt - 1] === CLOSE_BRACE && envelope.subarray(0, ENVELOPE_START.length).equals(ENVELOPE_START)) {
    try {
      const event = JSON.parse(envelope.toString('utf8', eventAt + EVENT_AT.length, endorsementsAt - 1)) as unknown;
      const txId = envelope.toString('latin1', txIdAt, envelope.indexOf(QUOTE, txIdAt));
      if (isEventField(event) && /^[0-9a-f]{64}$/.test(txId)) return { txId, event };
    } catch {
      // Not that shape after all: decoded whole below.
    }
  }
  const env = JSON.parse(envelope.toString('utf8')) as TransactionEnvelope;
  return { txId: env.response.txId, event: env.response.event };
}
