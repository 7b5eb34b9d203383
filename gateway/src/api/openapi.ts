/** The OpenAPI 3.1 description of the v1 API, served at /api/v1/openapi.json. */

import { donationPaths, donationSchemas } from './openapi-donations';
import { STATUS_REASON_CODES } from '../../../chaincode/src/lifecycle';
import { EVENT_TYPES } from '../domain/events';
import { actor, body, closed, comparisonAnswer, errors, idParam, idempotencyKey, ok, page, personSchema, problem, ref, secured, write, type Schema } from './openapi-parts';

const issueBody: Schema = {
  type: 'object',
  required: ['type', 'holder'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    holder: personSchema(['idNumber', 'name']),
    claims: { type: 'object' },
    validFrom: { type: 'string', format: 'date-time' },
    validUntil: { type: 'string', format: 'date-time' },
  },
};
const publicCertificateProperties: Record<string, Schema> = {
  id: { type: 'string' },
  type: { type: 'string' },
  issuerMsp: { type: 'string' },
  issuerKid: { type: 'string' },
  holderRef: { type: 'string', description: 'Pseudonym of the holder: HMAC-SHA256 under a key derived from the consortium pepper for holders alone' },
  digest: { type: 'string', description: 'SHA-256 of the compact JWS' },
  digestAlg: { const: 'sha-256' },
  status: { enum: ['active', 'suspended', 'revoked'] },
  statusReasonCode: { enum: [...STATUS_REASON_CODES] },
  statusReason: { type: 'string' },
  issuedAt: { type: 'string', format: 'date-time' },
  validFrom: { type: 'string', format: 'date-time' },
  validUntil: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
  issueTxId: { type: 'string', description: 'The transaction that anchored the certificate' },
};
const certificateRequired = ['id', 'type', 'issuerMsp', 'issuerKid', 'holderRef', 'digest', 'digestAlg', 'status', 'issuedAt', 'validFrom', 'updatedAt', 'issueTxId'];
const dateTime: Schema = { type: 'string', format: 'date-time' };
const issuerKey: Schema = closed(
  {
    kid: { type: 'string' },
    mspId: { type: 'string' },
    jwk: { type: 'object', required: ['kty'], properties: { kty: { type: 'string' } } },
    status: { enum: ['active', 'retired', 'compromised'] },
    activatedAt: dateTime,
    retiredAt: dateTime,
    compromisedAt: dateTime,
  },
  ['kid', 'mspId', 'jwk', 'status', 'activatedAt'],
);
const certificateTypeProperties: Record<string, Schema> = {
  type: { type: 'string' },
  title: { type: 'string' },
  issuerMsps: { type: 'array', items: { type: 'string' } },
  schema: { type: 'object' },
  registeredAt: dateTime,
};

const statusChange = (summary: string) => ({
  post: {
    summary,
    security: secured,
    parameters: [idParam, idempotencyKey],
    requestBody: body({
      type: 'object',
      description: 'A reasonCode, a reason, or both; reason alone counts as other. Free text is read by every member: ID-like, phone-like and bank-card-like sequences, however split or written (full-width, Chinese numerals), and runs of more than 19 digits are refused (400 PERSONAL_DATA_REFUSED).',
      properties: { reasonCode: { enum: [...STATUS_REASON_CODES] }, reason: { type: 'string', maxLength: 200 } },
    }),
    responses: { '200': ok(write({ record: ref('CertificateRecord') })), ...errors, '404': problem('No such certificate'), '409': problem('INVALID_TRANSITION') },
  },
});

/** Operations of the document, by path and method. */
type Paths = Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;

/**
 * Answers every operation can give besides its own: a body the gateway does
 * not read (413, 415) for those that take one, and a ledger that does not
 * answer (503) for those that reach it.
 */
function withCommonAnswers(paths: Paths): Paths {
  const out: Paths = {};
  for (const [path, item] of Object.entries(paths)) {
    out[path] = {};
    for (const [method, op] of Object.entries(item)) {
      const common: Record<string, unknown> = {};
      if (method === 'post') {
        common['413'] = problem('PAYLOAD_TOO_LARGE: the body is larger than the configured limit');
        common['415'] = problem('UNSUPPORTED_MEDIA_TYPE: a body that is not JSON in UTF-8');
      }
      if (path !== '/api/v1/openapi.json') common['503'] = problem('LEDGER_UNAVAILABLE: the ledger does not answer; Retry-After may say when to try again');
      out[path][method] = { ...op, responses: { ...common, ...op.responses } };
    }
  }
  return out;
}

export function openApiDocument(serverUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Civic Ledger API',
      version: '1.0.0',
      description:
        'E-certificates, verification and registry; charities, donations and penetrating audit of the civil-affairs ledger. Errors are RFC 9457 problem+json with a stable `code`.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details; open to extension members (e.g. the errors of a validation problem)',
          required: ['type', 'title', 'status', 'detail', 'code'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' } },
        },
        CertificateRecord: {
          type: 'object',
          required: [...certificateRequired, 'updatedBy'],
          additionalProperties: false,
          properties: {
            ...publicCertificateProperties,
            claimsRef: {
              type: 'string',
              pattern: '^[0-9a-f]{64}$',
              description: 'HMAC-SHA256 of the certificate id, holder, type and claims under a key derived from the consortium pepper; absent on certificates anchored before it was kept',
            },
            updatedBy: actor,
            statusList: closed({ list: { type: 'integer', minimum: 0 }, index: { type: 'integer', minimum: 0 } }, ['list', 'index'], { description: 'Where the certificate sits in its org\'s status lists' }),
          },
        },
        PublicCertificate: {
          type: 'object',
          description: 'A certificate record as the public verdict shows it: without `updatedBy`, the identity of who last changed it',
          required: certificateRequired,
          additionalProperties: false,
          properties: publicCertificateProperties,
        },
        CertificateType: closed(certificateTypeProperties, ['type', 'title', 'issuerMsps', 'schema']),
        IssuerKey: issuerKey,
        Issuer: closed({ mspId: { type: 'string' }, name: { type: 'string' }, keys: { type: 'array', items: ref('IssuerKey') } }),
        Verdict: {
          type: 'object',
          description:
            'Checks are listed in order; those that could not be evaluated fail with a detail starting "not checked". `certificate` and `anchor` are present only when the signature and anchor checks pass; until then `status` is `unknown` and the verdict shows nothing the ledger holds.',
          required: ['valid', 'status', 'checks'],
          properties: {
            valid: { type: 'boolean' },
            status: { enum: ['active', 'suspended', 'revoked', 'expired', 'unknown'] },
            checks: {
              type: 'array',
              items: closed({ name: { enum: ['format', 'signature', 'issuer', 'anchor', 'status', 'validity', 'holder'] }, ok: { type: 'boolean' }, detail: { type: 'string' } }),
            },
            certificate: ref('PublicCertificate'),
            anchor: closed({ txId: { type: 'string' }, blockNumber: { type: 'integer' } }),
          },
          additionalProperties: false,
        },
        ...donationSchemas,
      },
    },
    paths: withCommonAnswers({
      '/healthz': {
        get: {
          summary: 'Liveness and ledger height',
          responses: {
            '200': ok(closed({ status: { const: 'ok' }, ledger: closed({ backend: { enum: ['embedded', 'fabric'] }, height: { type: 'integer' } }) })),
            '503': problem('LEDGER_UNAVAILABLE'),
          },
        },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: 200 when the ledger answers',
          responses: { '200': ok({ type: 'object', required: ['status'], properties: { status: { const: 'ready' } } }), '503': problem('LEDGER_UNAVAILABLE: the ledger does not answer') },
        },
      },
      '/api/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': ok({ type: 'object', required: ['openapi', 'info', 'paths'], properties: { openapi: { type: 'string' } } }) } },
      },
      '/api/v1/certificate-types': {
        get: { summary: 'List certificate types', responses: { '200': ok(closed({ items: { type: 'array', items: ref('CertificateType') } })) } },
        post: {
          summary: 'Register a certificate type (civil, registrar)',
          security: secured,
          parameters: [idempotencyKey],
          requestBody: body({ type: 'object', required: ['type', 'title', 'issuerMsps', 'schema'], properties: certificateTypeProperties }),
          responses: { '201': ok(write(certificateTypeProperties, ['registeredAt']), 'Registered: the type, with its transaction'), ...errors, '409': problem('DUPLICATE_ID') },
        },
      },
      '/api/v1/issuers': {
        get: { summary: 'Issuers and their public keys', responses: { '200': ok(closed({ items: { type: 'array', items: ref('Issuer') } })) } },
      },
      '/api/v1/issuers/keys/{kid}/compromised': {
        post: {
          summary: "Mark one of the caller's org keys compromised (admin): credentials it signed at or after compromisedAt fail the issuer check",
          security: secured,
          parameters: [{ name: 'kid', in: 'path', required: true, schema: { type: 'string' } }, idempotencyKey],
          requestBody: body({ type: 'object', properties: { compromisedAt: { type: 'string', format: 'date-time', description: 'With Z or an offset, not in the future; absent means now' } } }),
          responses: {
            '200': ok(write({ ...(issuerKey.properties as Record<string, Schema>), status: { const: 'compromised' } }, ['retiredAt']), 'The key, with its transaction'),
            ...errors,
            '404': problem('KEY_NOT_FOUND'),
            '409': problem('INVALID_TRANSITION'),
          },
        },
      },
      '/api/v1/issuers/keys/rotate': {
        post: {
          summary: "Rotate the caller's org signing key (admin); credentials signed with the old key still verify",
          security: secured,
          parameters: [idempotencyKey],
          responses: { '201': ok(write({ key: ref('IssuerKey'), retired: { type: 'array', items: { type: 'string' }, description: 'kids of the keys this one replaces' } }), 'Rotated'), ...errors },
        },
      },
      '/api/v1/certificates': {
        post: {
          summary: 'Issue a certificate (civil, issuer)',
          security: secured,
          parameters: [idempotencyKey],
          requestBody: body(issueBody),
          responses: {
            '201': ok(write({ id: { type: 'string' }, credential: { type: 'string' }, record: ref('CertificateRecord') }), 'Issued'),
            ...errors,
            '409': problem('DUPLICATE_ID'),
          },
        },
        get: {
          summary: 'List certificates by type and status (verifier, issuer or auditor)',
          security: secured,
          parameters: ['type', 'status', 'limit', 'cursor'].map((name) => ({ name, in: 'query', required: false, schema: { type: name === 'limit' ? 'integer' : 'string' } })),
          responses: { '200': ok(page(ref('CertificateRecord'))), ...errors },
        },
      },
      '/api/v1/certificates/batch': {
        post: {
          summary: 'Issue 1..1000 certificates in one transaction (all or nothing)',
          security: secured,
          parameters: [idempotencyKey],
          requestBody: body({ type: 'object', required: ['items'], properties: { items: { type: 'array', minItems: 1, maxItems: 1000, items: issueBody } } }),
          responses: {
            '201': ok(write({ items: { type: 'array', items: { type: 'object', required: ['id', 'credential', 'record'], properties: { id: { type: 'string' }, credential: { type: 'string' }, record: ref('CertificateRecord') } } } }), 'Issued'),
            ...errors,
            '409': problem('DUPLICATE_ID'),
          },
        },
      },
      '/api/v1/certificates/compare': {
        post: {
          summary:
            "Compare 1..1000 issuance requests (the items of a batch, each with its id) with the records under their ids, without writing anything (issuer): holder (by pseudonym), type, claims (by the record's claimsRef) and, when the item names them, validFrom and validUntil. A record of another org is different in `issuer` only. Each item whose holder does not match counts against the caller's hourly allowance of look-ups by ID number, shared with holder searches",
          security: secured,
          requestBody: body({ type: 'object', required: ['items'], properties: { items: { type: 'array', minItems: 1, maxItems: 1000, items: { ...issueBody, required: ['id', 'type', 'holder'] } } } }),
          responses: {
            '200': ok(comparisonAnswer(['holder', 'type', 'claims', 'validity', 'issuer'], 'Fields the record holds nothing to compare with: `claims` for a certificate anchored before claimsRef was kept')),
            ...errors,
            '429': problem('RATE_LIMITED: too many look-ups by ID number'),
          },
        },
      },
      '/api/v1/certificates/search': {
        post: {
          summary: "A holder's certificates; the ID number travels in the body, never in a URL",
          description: 'At most 300 searches per user per hour (then 429 RATE_LIMITED with Retry-After). Certificates written before pseudonyms had purposes are listed after the others.',
          security: secured,
          requestBody: body({
            type: 'object',
            required: ['holder'],
            properties: {
              holder: personSchema(['idNumber']),
              type: { type: 'string' },
              status: { type: 'string' },
              limit: { type: 'integer' },
              cursor: { type: 'string' },
            },
          }),
          responses: { '200': ok(page(ref('CertificateRecord'))), ...errors, '429': problem('RATE_LIMITED: too many searches by holder of this user') },
        },
      },
      '/api/v1/certificates/{id}': {
        get: { summary: 'A certificate record', security: secured, parameters: [idParam], responses: { '200': ok(ref('CertificateRecord')), ...errors, '404': problem('CERT_NOT_FOUND') } },
      },
      '/api/v1/certificates/{id}/history': {
        get: {
          summary: 'Status history, oldest first',
          security: secured,
          parameters: [idParam],
          responses: {
            '200': ok(
              closed({
                items: {
                  type: 'array',
                  items: closed(
                    { txId: { type: 'string' }, timestamp: dateTime, status: { enum: ['active', 'suspended', 'revoked'] }, reasonCode: { enum: [...STATUS_REASON_CODES] }, reason: { type: 'string' }, actor },
                    ['txId', 'timestamp', 'status', 'actor'],
                  ),
                },
              }),
            ),
            ...errors,
            '404': problem('CERT_NOT_FOUND'),
          },
        },
      },
      '/api/v1/certificates/{id}/suspend': statusChange('Suspend (civil, issuer, issuing org)'),
      '/api/v1/certificates/{id}/reinstate': statusChange('Reinstate a suspended certificate'),
      '/api/v1/certificates/{id}/revoke': statusChange('Revoke (final)'),
      '/api/v1/verify': {
        post: {
          summary: 'Verify a credential (no login); with holder, also check that an ID number is the holder\'s',
          requestBody: body({
            type: 'object',
            required: ['credential'],
            properties: {
              credential: { type: 'string' },
              holder: { ...personSchema(['idNumber']), description: 'Adds the check `holder`: the holder pseudonym of this document equals the record\'s holderRef. Runs only for a credential whose signature and anchor verify; after 5 failures in a row the credential is locked out for 1 minute, doubling per further failure up to a day (counted on the ledger).' },
            },
          }),
          responses: { '200': ok(ref('Verdict')), '400': problem('credential missing or not a string'), '429': problem('RATE_LIMITED: this credential\'s holder checks are locked out after failed ones; Retry-After says for how long') },
        },
      },
      '/api/v1/verify/reference': {
        post: {
          summary: 'Verify a short link `/v/<id>#d=<digest>` (no login): what the ledger proves without the credential (anchor, issuer, status, validity); the claims need the full credential',
          requestBody: body({
            type: 'object',
            required: ['id', 'digest'],
            properties: { id: { type: 'string' }, digest: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the compact JWS, hex' } },
          }),
          responses: { '200': ok(ref('Verdict')), '400': problem('id or digest malformed') },
        },
      },
      '/api/v1/me': {
        get: {
          summary: 'Who the token says the caller is, as this gateway accepts it (any logged-in member of the org it serves)',
          security: secured,
          responses: {
            '200': ok(
              closed(
                { sub: { type: 'string' }, org: { enum: ['civil', 'charity', 'audit'] }, mspId: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, dept: { type: 'string' }, charity: { type: 'string' } },
                ['sub', 'org', 'mspId', 'roles'],
              ),
            ),
            '401': problem('Missing or invalid token'),
            '403': problem('ORG_NOT_SERVED: a token of another org'),
          },
        },
      },
      '/api/v1/portal': {
        get: {
          summary: 'What the web portal needs to know about this gateway (no login)',
          responses: {
            '200': ok(
              closed({
                ledger: { enum: ['embedded', 'fabric'] },
                gatewayOrg: { enum: ['civil', 'charity', 'audit'] },
                publicBaseUrl: { type: 'string' },
                demoLogin: { type: 'boolean', description: 'Whether POST /api/v1/dev/token answers this caller' },
              }),
            ),
          },
        },
      },
      '/api/v1/dev/token': {
        post: {
          summary:
            'Development only: a token for a demo user of a role. Exists only on the embedded ledger, with a loopback-only listener, for a loopback caller not relayed by a proxy (no Forwarded, X-Forwarded-*, Via or client-IP header), with a loopback Host on the listening port and no foreign Origin, and without AUTH_JWKS_URL; otherwise 404',
          requestBody: body({
            type: 'object',
            required: ['role'],
            properties: { role: { enum: ['issuer', 'registrar', 'verifier', 'admin', 'charity', 'auditor'] }, charity: { type: 'string', description: 'For role charity; default: the first registered charity' } },
          }),
          responses: { '200': ok(closed({ token: { type: 'string' }, claims: { type: 'object' } })), '400': problem('Unknown role, or no charity registered yet'), '404': problem('Not available here') },
        },
      },
      '/api/v1/events': {
        get: {
          summary: 'Committed ledger changes as Server-Sent Events (any member; each sees what its role may read)',
          security: secured,
          parameters: [
            { name: 'types', in: 'query', required: false, schema: { type: 'string' }, description: `Comma-separated: ${EVENT_TYPES.join(', ')}` },
            { name: 'after', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' }, description: 'Resume after this event id (or send Last-Event-ID)' },
            { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'text/event-stream: `id: <block>.<k>.<n>`, `event: <type>`, `data: {type, id, txId, blockNumber, timestamp, ...}` with no personal data; a heartbeat comment every 15 s',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errors,
            '429': problem('RATE_LIMITED: the user (EVENTS_MAX_STREAMS_PER_USER) or the gateway (EVENTS_MAX_STREAMS) has as many streams open as allowed; Retry-After says when to try again'),
          },
        },
      },
      '/api/v1/status-lists/{mspId}/{purpose}/{list}': {
        get: {
          summary: 'A W3C BitstringStatusListCredential of an issuing org (no login), secured as vc+jwt with the org\'s current key',
          parameters: [
            { name: 'mspId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'purpose', in: 'path', required: true, schema: { enum: ['revocation', 'suspension'] } },
            { name: 'list', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } },
          ],
          responses: {
            '200': { description: 'The list as a compact JWS; ETag follows the block height, Cache-Control the list\'s ttl', content: { 'application/vc+jwt': { schema: { type: 'string' } } } },
            '304': { description: 'Not modified (If-None-Match)' },
            '404': problem('STATUS_LIST_NOT_FOUND'),
          },
        },
      },
      ...donationPaths,
    } as Paths),
  };
}
