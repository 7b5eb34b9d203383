import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireCaller, txTime } from './access';
import { canonicalJson, encode } from './codec';
import { CodedError } from './errors';
import { EVENTS } from './events';
import { CONTRACTS } from './functions';
import { MSP, type CertificateType } from './models';
import { compileSchema } from './schema';
import { assertSchemaWithinLimits } from './schema-limits';
import { key, mustRead, readJson, writeJson } from './state';
import { parseArg, requireId, requireObject, requireString } from './validate';

const TYPE = 'certtype';

/** Reads a certificate type or throws TYPE_NOT_FOUND. */
export async function getType(ctx: Context, type: string): Promise<CertificateType> {
  return mustRead<CertificateType>(ctx, key(ctx, TYPE, [type]), 'TYPE_NOT_FOUND', `certificate type ${type}`);
}

/** Reads a certificate type, or undefined. */
export async function findType(ctx: Context, type: string): Promise<CertificateType | undefined> {
  return readJson<CertificateType>(ctx, key(ctx, TYPE, [type]));
}

function parseType(raw: string): Omit<CertificateType, 'registeredAt'> {
  const body = requireObject('certificate type', parseArg<unknown>('certificate type', raw));
  const type = requireId('type', body.type);
  const title = requireString('title', body.title, 200);
  if (!Array.isArray(body.issuerMsps) || body.issuerMsps.length === 0) {
    throw new CodedError('VALIDATION_FAILED', 'issuerMsps must be a non-empty array of MSP IDs');
  }
  const issuerMsps = body.issuerMsps.map((m, i) => requireId(`issuerMsps[${i}]`, m));
  if (new Set(issuerMsps).size !== issuerMsps.length) throw new CodedError('VALIDATION_FAILED', 'issuerMsps has duplicates');
  const schema = requireObject('schema', body.schema);
  assertSchemaWithinLimits(schema);
  compileSchema(schema);
  return { type, title, issuerMsps, schema };
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
    const t = parseType(typeJson);
    const k = key(ctx, TYPE, [t.type]);
    if (await readJson(ctx, k)) throw new CodedError('DUPLICATE_ID', `certificate type ${t.type} already registered`);
    const record: CertificateType = { ...t, registeredAt: txTime(ctx) };
    await writeJson(ctx, k, record);
    ctx.stub.setEvent(EVENTS.certificateTypeRegistered, encode({ type: t.type }));
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
