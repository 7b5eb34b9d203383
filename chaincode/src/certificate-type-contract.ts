import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireCaller, txTime } from './access';
import { canonicalJson, encode } from './codec';
import { CodedError } from './errors';
import { EVENTS } from './events';
import { CONTRACTS } from './functions';
import { MSP, type CertificateType } from './models';
import { parseCertificateType } from './certificate-type-rules';
import { key, mustRead, readJson, writeJson } from './state';
import { parseArg } from './validate';

const TYPE = 'certtype';

/** Reads a certificate type or throws TYPE_NOT_FOUND. */
export async function getType(ctx: Context, type: string): Promise<CertificateType> {
  return mustRead<CertificateType>(ctx, key(ctx, TYPE, [type]), 'TYPE_NOT_FOUND', `certificate type ${type}`);
}

/** Reads a certificate type, or undefined. */
export async function findType(ctx: Context, type: string): Promise<CertificateType | undefined> {
  return readJson<CertificateType>(ctx, key(ctx, TYPE, [type]));
}

/** Certificate types: who may issue each and the JSON Schema of its claims. */
@Info({ title: 'Certificate types', description: 'Kinds of e-certificate and their claim schemas' })
export class CertificateTypeContract extends Contract {
  constructor() {
    super(CONTRACTS.types);
  }

  /** Registers a type (civil registrar). */
  @Transaction()
  @Returns('string')
  async RegisterType(ctx: Context, typeJson: string): Promise<string> {
    requireCaller(ctx, { msps: [MSP.civil], roles: ['registrar'] });
    const t = parseCertificateType(parseArg<unknown>('certificate type', typeJson));
    const k = key(ctx, TYPE, [t.type]);
    if (await readJson(ctx, k)) throw new CodedError('DUPLICATE_ID', `certificate type ${t.type} already registered`);
    const record: CertificateType = { ...t, registeredAt: txTime(ctx) };
    await writeJson(ctx, k, record);
    ctx.stub.setEvent(EVENTS.certificateTypeRegistered, encode({ type: t.type, timestamp: record.registeredAt }));
    return canonicalJson(record);
  }

  @Transaction(false)
  @Returns('string')
  async GetType(ctx: Context, type: string): Promise<string> {
    return canonicalJson(await getType(ctx, type));
  }

  @Transaction(false)
  @Returns('string')
  async ListTypes(ctx: Context): Promise<string> {
    const items: CertificateType[] = [];
    const it = await ctx.stub.getStateByPartialCompositeKey(TYPE, []);
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        items.push(JSON.parse(Buffer.from(r.value.value).toString('utf8')) as CertificateType);
      }
    } finally {
      await it.close();
    }
    return canonicalJson({ items });
  }
}
