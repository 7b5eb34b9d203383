import { parseCertificateType } from '../../../chaincode/src/certificate-type-rules';
import { requireDateTime } from '../../../chaincode/src/dates';
import { FN } from '../../../chaincode/src/functions';
import { ORG_NAMES, orgOfMsp, type CertificateType, type Issuer, type IssuerKey } from '../../../chaincode/src/models';
import type { SigningIdentity } from '../../../network/pki/types';
import { read, write, type Written } from './calls';
import type { DomainContext } from './context';
import { objectField } from './input';
import { CodedError } from '../../../chaincode/src/errors';

export async function listTypes(ctx: DomainContext): Promise<{ items: CertificateType[] }> {
  return read(ctx, ctx.serviceIdentity, FN.listTypes, []);
}

/** A certificate type, or undefined when none is registered under that name. */
export async function findType(ctx: DomainContext, type: string): Promise<CertificateType | undefined> {
  const hit = ctx.state.types.get(type);
  if (hit) return hit;
  try {
    const t = await read<CertificateType>(ctx, ctx.serviceIdentity, FN.getType, [type]);
    ctx.state.types.set(type, t);
    return t;
  } catch (err) {
    if ((err as { code?: string }).code === 'TYPE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** Registers a certificate type; the chaincode checks who may. */
export async function registerType(ctx: DomainContext, who: SigningIdentity, body: unknown): Promise<Written<CertificateType>> {
  const input = parseCertificateType(objectField(body, 'body'));
  return write<CertificateType>(ctx, who, FN.registerType, [JSON.stringify(input)]);
}

export async function listIssuers(ctx: DomainContext): Promise<{ items: Issuer[] }> {
  return read(ctx, ctx.serviceIdentity, FN.listIssuers, []);
}

function orgName(mspId: string): string {
  const org = orgOfMsp(mspId);
  return org ? ORG_NAMES[org] : mspId;
}

/**
 * Rotates the org's signing key: a new key is generated and stored first, then
 * registered on chain (retiring the old one) in one transaction, then used.
 * Credentials signed with the retired key keep verifying. Rotations of one
 * org run one at a time; a key the chain refused is discarded again, so the
 * key file never keeps a key nobody can use.
 */
export function rotateKey(ctx: DomainContext, who: SigningIdentity): Promise<Written<{ key: IssuerKey; retired: string[] }>> {
  return ctx.state.keyChanges.run(who.mspId, () => rotateNow(ctx, who));
}

async function rotateNow(ctx: DomainContext, who: SigningIdentity): Promise<Written<{ key: IssuerKey; retired: string[] }>> {
  const store = ctx.keyStores.get(who.mspId);
  if (!store) throw new CodedError('FORBIDDEN', `this gateway holds no signing keys for ${who.mspId}`);
  const held = await store.generate();
  let result: Written<{ key: IssuerKey; retired: string[] }>;
  try {
    result = await write<{ key: IssuerKey; retired: string[] }>(ctx, who, FN.rotateKey, [held.kid, JSON.stringify(held.publicJwk), orgName(who.mspId)]);
  } catch (err) {
    await store.discard(held.kid);
    throw err;
  }
  await store.activate(held.kid);
  return result;
}

/**
 * Marks one of the caller's org keys compromised as of `compromisedAt`
 * (credentials it signed from then on fail the issuer check). When it was
 * the key this gateway signs with, a fresh key is rotated in at once, so
 * issuing goes on.
 */
export async function markKeyCompromised(ctx: DomainContext, who: SigningIdentity, kid: string, body: unknown): Promise<Written<IssuerKey>> {
  const b = objectField(body ?? {}, 'body');
  const at = b.compromisedAt === undefined || b.compromisedAt === null ? '' : requireDateTime('compromisedAt', b.compromisedAt);
  return ctx.state.keyChanges.run(who.mspId, async () => {
    const w = await write<IssuerKey>(ctx, who, FN.markKeyCompromised, [kid, at]);
    if (ctx.keyStores.get(who.mspId)?.active()?.kid === kid) await rotateNow(ctx, who);
    return w;
  });
}

/**
 * Makes the gateway's active key agree with the chain: if the chain's active
 * key for the org is one we hold, use it; if there is none we hold, rotate.
 */
export async function ensureSigningKey(ctx: DomainContext, admin: SigningIdentity): Promise<void> {
  const store = ctx.keyStores.get(admin.mspId);
  if (!store) return;
  const { items } = await listIssuers(ctx);
  const onChain = items.find((i) => i.mspId === admin.mspId)?.keys.find((k) => k.status === 'active' && store.has(k.kid));
  if (onChain) {
    await store.activate(onChain.kid);
    return;
  }
  await rotateKey(ctx, admin);
}
