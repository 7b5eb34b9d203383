import { gzipSync } from 'node:zlib';
import { CodedError } from '../../../chaincode/src/errors';
import { FN } from '../../../chaincode/src/functions';
import { ORG_NAMES, isConsortiumMsp, orgOfMsp } from '../../../chaincode/src/models';
import { STATUS_LIST_SIZE, isStatusPurpose, type StatusListState, type StatusPurpose } from '../../../chaincode/src/status-list';
import { ISSUER_URN_PREFIX, VC_CONTEXT, signCredentialAsync, statusListUrl } from '../credentials/vc';
import { read } from './calls';
import type { DomainContext } from './context';

/** How long verifiers may keep a list: one minute, so a revocation reaches them that soon. */
export const STATUS_LIST_TTL_MS = 60_000;

/** A status list as served: the signed credential and what HTTP caches need. */
export interface ServedStatusList {
  /** The BitstringStatusListCredential secured as `vc+jwt`. */
  jws: string;
  /** Changes with the block height the list reflects and with the signing key. */
  etag: string;
  height: number;
}

/**
 * The bitstring of a list: bit i is the i-th bit from the left of the whole
 * string (the most significant bit of byte 0 is index 0), GZIP-compressed
 * and written as multibase base64url (`u` prefix), as the W3C Bitstring
 * Status List requires.
 */
export function encodeStatusList(set: readonly number[], size = STATUS_LIST_SIZE): string {
  const bits = Buffer.alloc(size / 8);
  for (const i of set) bits[i >> 3] |= 0x80 >> (i & 7);
  return `u${gzipSync(bits).toString('base64url')}`;
}

/** Reads a list's state with the height it reflects: no block committed between the two reads of the height. */
async function readAtHeight(ctx: DomainContext, args: string[]): Promise<{ state: StatusListState; height: number }> {
  for (let attempt = 1; ; attempt++) {
    const before = await ctx.ledger.height();
    const state = await read<StatusListState>(ctx, ctx.serviceIdentity, FN.statusList, args);
    const height = await ctx.ledger.height();
    if (height === before || attempt >= 5) return { state, height };
  }
}

/**
 * One status list of an issuing org, derived from ledger state alone and
 * signed with the org's current key, so it verifies with the key in
 * `GET /api/v1/issuers`. Every gateway holding that key serves the same bits
 * for the same block height; a signed list is kept per height.
 */
export async function statusListCredential(ctx: DomainContext, mspId: string, purpose: string, listText: string): Promise<ServedStatusList> {
  if (!isConsortiumMsp(mspId)) throw new CodedError('STATUS_LIST_NOT_FOUND', `${mspId} is not an issuer of this consortium`);
  if (!isStatusPurpose(purpose)) throw new CodedError('STATUS_LIST_NOT_FOUND', `purpose must be revocation or suspension, not ${purpose}`);
  if (!/^\d{1,9}$/.test(listText)) throw new CodedError('STATUS_LIST_NOT_FOUND', 'list number must be a non-negative integer');
  const key = ctx.keyStores.get(mspId)?.active();
  if (!key) throw new CodedError('STATUS_LIST_NOT_FOUND', `this gateway does not sign for ${mspId}; fetch the list from that organisation's gateway`);
  const { state, height } = await readAtHeight(ctx, [mspId, purpose, listText]);
  const cacheKey = `${mspId}\u0000${purpose}\u0000${state.list}\u0000${height}\u0000${key.kid}`;
  const hit = ctx.state.statusLists.get(cacheKey);
  if (hit) return hit;
  const url = statusListUrl(ctx.config.publicBaseUrl, mspId, purpose as StatusPurpose, state.list);
  const org = orgOfMsp(mspId);
  const vc = {
    '@context': [VC_CONTEXT],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: { id: `${ISSUER_URN_PREFIX}${mspId}`, name: org ? ORG_NAMES[org] : mspId },
    // The time of the last block the list reflects: its bits are the state as of then.
    validFrom: new Date((await ctx.ledger.blockTime(height - 1)) ?? Date.now()).toISOString(),
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: purpose,
      encodedList: encodeStatusList(state.set),
      ttl: STATUS_LIST_TTL_MS,
    },
  };
  const served: ServedStatusList = { jws: await signCredentialAsync(vc, key), etag: `"${height}.${key.kid}"`, height };
  ctx.state.statusLists.set(cacheKey, served);
  return served;
}
