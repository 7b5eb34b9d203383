import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { actorOf, callerMsp, requireCaller, txTime } from './access';
import { canonicalJson, encode } from './codec';
import { CodedError, invalid } from './errors';
import { EVENTS } from './events';
import { CONTRACTS } from './functions';
import type { Issuer, IssuerKey, PublicJwk } from './models';
import { INDEX_VALUE, key, mustRead, readJson, writeJson } from './state';
import { requireDateTime } from './dates';
import { requireFreeText } from './free-text';
import { parseArg, requireId, requireObject, requireString } from './validate';

const KEY = 'issuerkey';
const KEY_BY_MSP = 'issuerkey~msp';
const ISSUER = 'issuer';
/** Client clocks run a little ahead of the transaction timestamp now and then. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

interface IssuerDoc {
  mspId: string;
  name: string;
}

/** Reads an issuer key by kid, or undefined. */
export async function findKey(ctx: Context, kid: string): Promise<IssuerKey | undefined> {
  return readJson<IssuerKey>(ctx, key(ctx, KEY, [kid]));
}


function parseJwk(raw: string): PublicJwk {
  const jwk = requireObject('jwk', parseArg<unknown>('jwk', raw));
  if ('d' in jwk) throw new CodedError('VALIDATION_FAILED', 'jwk must be a public key (it has a private part d)');
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new CodedError('VALIDATION_FAILED', 'jwk must be an EC P-256 key');
  const x = requireString('jwk.x', jwk.x, 64);
  const y = requireString('jwk.y', jwk.y, 64);
  return { kty: 'EC', crv: 'P-256', x, y };
}

/**
 * The registry of issuers' public signing keys. An org's admin manages its own
 * org's keys; verifiers read them to check credential signatures.
 */
@Info({ title: 'Issuer key registry', description: 'Public keys that sign e-certificates' })
export class IssuerRegistryContract extends Contract {
  constructor() {
    super(CONTRACTS.issuers);
  }

  /** Registers a new active key for the caller's org. */
  @Transaction()
  @Returns('string')
  async RegisterKey(ctx: Context, kid: string, jwkJson: string, name: string): Promise<string> {
    requireCaller(ctx, { roles: ['admin'] });
    const k = await this.addKey(ctx, kid, jwkJson, name);
    ctx.stub.setEvent(EVENTS.issuerKeyRegistered, encode({ kid, mspId: k.mspId, retired: [], timestamp: k.activatedAt }));
    return canonicalJson(k);
  }

  /** Retires every active key of the caller's org and registers a new one, atomically. */
  @Transaction()
  @Returns('string')
  async RotateKey(ctx: Context, kid: string, jwkJson: string, name: string): Promise<string> {
    requireCaller(ctx, { roles: ['admin'] });
    const msp = callerMsp(ctx);
    const now = txTime(ctx);
    const retired: string[] = [];
    for (const k of await this.keysOf(ctx, msp)) {
      if (k.status !== 'active') continue;
      await writeJson(ctx, key(ctx, KEY, [k.kid]), { ...k, status: 'retired', retiredAt: now });
      retired.push(k.kid);
    }
    const k = await this.addKey(ctx, kid, jwkJson, name);
    ctx.stub.setEvent(EVENTS.issuerKeyRegistered, encode({ kid, mspId: msp, retired, timestamp: now }));
    return canonicalJson({ key: k, retired });
  }

  /** Retires a key: certificates issued before now still verify. */
  @Transaction()
  @Returns('string')
  async RetireKey(ctx: Context, kid: string): Promise<string> {
    return this.changeKey(ctx, kid, 'retired');
  }

  /**
   * Marks a key compromised as of `compromisedAt` (a date-time with Z or an
   * offset, not in the future; empty means now): credentials issued with it
   * at or after that time fail verification, earlier ones still pass.
   */
  @Transaction()
  @Returns('string')
  async MarkKeyCompromised(ctx: Context, kid: string, compromisedAt: string): Promise<string> {
    return this.changeKey(ctx, kid, 'compromised', compromisedAt);
  }

  @Transaction(false)
  @Returns('string')
  async GetKey(ctx: Context, kid: string): Promise<string> {
    return canonicalJson(await mustRead<IssuerKey>(ctx, key(ctx, KEY, [kid]), 'KEY_NOT_FOUND', `key ${kid}`));
  }

  @Transaction(false)
  @Returns('string')
  async ListIssuers(ctx: Context): Promise<string> {
    const items: Issuer[] = [];
    const it = await ctx.stub.getStateByPartialCompositeKey(ISSUER, []);
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const doc = JSON.parse(Buffer.from(r.value.value).toString('utf8')) as IssuerDoc;
        items.push({ mspId: doc.mspId, name: doc.name, keys: await this.keysOf(ctx, doc.mspId) });
      }
    } finally {
      await it.close();
    }
    return canonicalJson({ items });
  }

  private async addKey(ctx: Context, kid: string, jwkJson: string, name: string): Promise<IssuerKey> {
    requireId('kid', kid);
    const jwk = parseJwk(jwkJson);
    const msp = callerMsp(ctx);
    const k = key(ctx, KEY, [kid]);
    if (await readJson(ctx, k)) throw new CodedError('DUPLICATE_ID', `key ${kid} already registered`);
    const record: IssuerKey = { kid, mspId: msp, jwk: { ...jwk, kid, alg: 'ES256', use: 'sig' }, status: 'active', activatedAt: txTime(ctx) };
    await writeJson(ctx, k, record);
    await ctx.stub.putState(key(ctx, KEY_BY_MSP, [msp, kid]), INDEX_VALUE);
    const issuerKey = key(ctx, ISSUER, [msp]);
    const doc = await readJson<IssuerDoc>(ctx, issuerKey);
    const displayName = name.trim() === '' ? doc?.name ?? msp : requireFreeText('name', name, 200);
    if (!doc || doc.name !== displayName) await writeJson(ctx, issuerKey, { mspId: msp, name: displayName });
    return record;
  }

  private async changeKey(ctx: Context, kid: string, to: 'retired' | 'compromised', compromisedAt = ''): Promise<string> {
    requireCaller(ctx, { roles: ['admin'] });
    const k = key(ctx, KEY, [kid]);
    const current = await mustRead<IssuerKey>(ctx, k, 'KEY_NOT_FOUND', `key ${kid}`);
    if (current.mspId !== callerMsp(ctx)) throw new CodedError('FORBIDDEN', `key ${kid} belongs to ${current.mspId}`);
    if (current.status === to || current.status === 'compromised') {
      throw new CodedError('INVALID_TRANSITION', `key ${kid} is ${current.status}`);
    }
    const now = txTime(ctx);
    // A retired key keeps its original retirement time; a key compromised while active stops signing now.
    const updated: IssuerKey = { ...current, status: to, retiredAt: current.retiredAt ?? now };
    if (to === 'compromised') {
      const at = compromisedAt === '' ? now : requireDateTime('compromisedAt', compromisedAt);
      if (Date.parse(at) > Date.parse(now) + CLOCK_SKEW_MS) throw invalid(`compromisedAt ${at} is in the future`);
      updated.compromisedAt = at;
    }
    await writeJson(ctx, k, updated);
    ctx.stub.setEvent(EVENTS.issuerKeyStatusChanged, encode({ kid, status: to, by: actorOf(ctx).mspId }));
    return canonicalJson(updated);
  }

  private async keysOf(ctx: Context, msp: string): Promise<IssuerKey[]> {
    const keys: IssuerKey[] = [];
    const it = await ctx.stub.getStateByPartialCompositeKey(KEY_BY_MSP, [msp]);
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const { attributes } = ctx.stub.splitCompositeKey(r.value.key);
        const k = await findKey(ctx, attributes[1]);
        if (k) keys.push(k);
      }
    } finally {
      await it.close();
    }
    return keys;
  }
}
