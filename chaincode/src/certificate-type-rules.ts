import { CodedError, invalid } from './errors';
import { requireFreeText } from './free-text';
import { isConsortiumMsp, type CertificateType } from './models';
import { compileSchema } from './schema';
import { requireId, requireObject } from './validate';

/**
 * A certificate type as registered: an id, a title, the consortium MSPs that
 * may issue it, and a JSON Schema for its claims that compiles.
 */
export function parseCertificateType(raw: unknown): Omit<CertificateType, 'registeredAt'> {
  const body = requireObject('certificate type', raw);
  const type = requireId('type', body.type);
  const title = requireFreeText('title', body.title, 200);
  if (!Array.isArray(body.issuerMsps) || body.issuerMsps.length === 0) {
    throw invalid('issuerMsps must be a non-empty array of MSP IDs');
  }
  const issuerMsps = body.issuerMsps.map((m, i) => requireId(`issuerMsps[${i}]`, m));
  if (new Set(issuerMsps).size !== issuerMsps.length) throw invalid('issuerMsps has duplicates');
  const unknown = issuerMsps.filter((m) => !isConsortiumMsp(m));
  if (unknown.length > 0) throw invalid(`issuerMsps names organisations outside the consortium: ${unknown.join(', ')}`);
  const schema = requireObject('schema', body.schema);
  compileSchema(schema);
  return { type, title, issuerMsps, schema };
}

/** True when `mspId` may issue certificates of type `t`: the type's `issuerMsps` decides, nothing else. */
export function mayIssueType(t: Pick<CertificateType, 'issuerMsps'>, mspId: string): boolean {
  return t.issuerMsps.includes(mspId);
}

/** FORBIDDEN unless `mspId` may issue `t`. */
export function requireIssuerOf(t: Pick<CertificateType, 'type' | 'issuerMsps'>, mspId: string): void {
  if (!mayIssueType(t, mspId)) throw new CodedError('FORBIDDEN', `organisation ${mspId} is not authorised to issue ${t.type}`);
}
