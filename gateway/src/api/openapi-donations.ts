/** The Charities and donations, and Audit, sections of the OpenAPI document. */

import { actor, body, closed, comparisonAnswer, errors, idParam, idempotencyKey, ok, page, personSchema, problem, ref, secured, type Schema } from './openapi-parts';
import { COMPLIANCE_STANDINGS } from '../../../chaincode/src/models';

const fen = (description: string): Schema => ({ type: 'integer', minimum: 1, maximum: 1_000_000_000_000, description: `${description}, integer fen (分)` });
const total = (description: string): Schema => ({ type: 'integer', minimum: 0, description: `${description}, integer fen (≤ 2^53 − 1)` });
const str: Schema = { type: 'string' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const pseudonym = (who: string, scope = ''): Schema => ({ type: 'string', pattern: '^[0-9a-f]{64}$', description: `Pseudonym of the ${who}'s ID number: HMAC-SHA256 under a key derived from the consortium pepper for ${who}s${scope} alone` });
const version: Schema = { type: 'integer', description: 'Version of the record, counted by the ledger' };
const category: Schema = { enum: ['program', 'management', 'fundraising'] };
const businessDate = (what: string): Schema => ({
  type: 'string',
  description: `${what}: ISO-8601 date or date-time, not in the future, at most 3 years back; default now. Its calendar year in China (UTC+8) is the accounting year.`,
});
const pageQuery = [
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
  { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'nextCursor of the previous page' },
];
const yearQuery = { name: 'year', in: 'query', required: true, schema: { type: 'string', pattern: '^[0-9]{4}$' } };
const readRule = 'Auditors, the civil-affairs registrar and the owning charity may read.';
const auditRule = 'Auditors (audit org) audit every charity; a charity user audits its own records only.';

const donorBody: Schema = {
  type: 'object',
  description: 'The ID number becomes donorRef (a pseudonym); the name is never stored anywhere. Required: idNumber, unless anonymous is true.',
  properties: { ...(personSchema(['idNumber']).properties as Record<string, Schema>), anonymous: { type: 'boolean' } },
};
const donationBody: Schema = {
  type: 'object',
  required: ['projectId', 'amount', 'donor'],
  properties: { id: str, projectId: str, amount: fen('Amount'), donor: donorBody, channel: str, receivedAt: businessDate('When the money came in') },
};
/** A record of a year's listing: the entity, plus the block of its transaction when the ledger knows it. */
const listed = (entity: 'Charity' | 'Project' | 'Donation' | 'Disbursement'): Schema => {
  const schema = donationSchemas[entity];
  return { ...schema, properties: { ...(schema.properties as Record<string, Schema>), blockNumber: { type: 'integer' } } };
};
/** A record just written: the entity, plus the block its transaction landed in. */
const written = (entity: 'Charity' | 'Project'): Schema => {
  const schema = listed(entity);
  return { ...schema, required: [...(schema.required as string[]), 'blockNumber'] };
};
const traceBlock: Schema = { type: 'integer', description: 'Block of the transaction, from the ledger' };

/** Component schemas of the section. */
export const donationSchemas: Record<string, Schema> = {
  Charity: closed(
    { id: str, name: str, creditCode: { type: 'string', description: '统一社会信用代码' }, publicFundraising: { type: 'boolean' }, registeredAt: dateTime, registeredBy: actor, txId: str, version },
    ['id', 'name', 'creditCode', 'publicFundraising', 'registeredAt', 'registeredBy', 'txId'],
  ),
  Project: {
    type: 'object',
    required: ['id', 'charityId', 'title', 'targetAmount', 'raised', 'disbursed', 'balance', 'donationCount', 'fifoHead', 'createdAt', 'createdBy', 'updatedAt', 'txId'],
    additionalProperties: false,
    properties: {
      id: str,
      charityId: str,
      title: str,
      targetAmount: fen('Target'),
      raised: total('Sum of donations'),
      disbursed: total('Sum of disbursements'),
      balance: total('raised − disbursed'),
      donationCount: { type: 'integer' },
      fifoHead: { type: 'integer', description: 'seq of the oldest donation with money left' },
      createdAt: dateTime,
      createdBy: actor,
      updatedAt: dateTime,
      txId: str,
      version,
    },
  },
  Donation: {
    type: 'object',
    required: ['id', 'projectId', 'charityId', 'amount', 'remaining', 'anonymous', 'seq', 'receivedAt', 'year', 'recordedAt', 'recordedBy', 'txId'],
    additionalProperties: false,
    properties: {
      id: str,
      projectId: str,
      charityId: str,
      amount: fen('Amount'),
      remaining: total('Not yet consumed by disbursements'),
      donorRef: pseudonym('donor', ' of this charity'),
      anonymous: { type: 'boolean' },
      channel: str,
      seq: { type: 'integer', description: 'Recording order within the project: the FIFO order' },
      receivedAt: dateTime,
      year: { type: 'integer' },
      recordedAt: dateTime,
      recordedBy: actor,
      txId: str,
      version,
    },
  },
  Disbursement: {
    type: 'object',
    required: ['id', 'projectId', 'charityId', 'amount', 'category', 'sources', 'paidAt', 'year', 'recordedAt', 'recordedBy', 'txId'],
    additionalProperties: false,
    properties: {
      id: str,
      projectId: str,
      charityId: str,
      amount: fen('Amount'),
      category,
      beneficiaryRef: pseudonym('beneficiary'),
      payee: { type: 'string', description: 'An organisation paid' },
      evidenceDigest: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      memo: str,
      sources: {
        type: 'array',
        description: 'Donations consumed, oldest first (FIFO by recording order)',
        items: closed({ donationId: str, amount: fen('Share') }),
      },
      paidAt: dateTime,
      year: { type: 'integer' },
      recordedAt: dateTime,
      recordedBy: actor,
      txId: str,
      version,
    },
  },
  Finding: {
    type: 'object',
    required: ['code', 'severity', 'message', 'figures'],
    additionalProperties: false,
    properties: {
      code: { enum: ['PROGRAM_SPENDING_BELOW_70_PERCENT', 'MANAGEMENT_COSTS_ABOVE_10_PERCENT'] },
      severity: { enum: ['high', 'medium', 'low'] },
      message: str,
      figures: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
    },
  },
  AnnualReport: {
    type: 'object',
    description: 'Open to members added later',
    required: ['charityId', 'year', 'publicFundraising', 'income', 'previousYearIncome', 'expenditure', 'ratios', 'counts', 'standings', 'findings'],
    properties: {
      charityId: str,
      year: { type: 'integer' },
      publicFundraising: { type: 'boolean' },
      income: total('Donations received in the year'),
      previousYearIncome: total('Donations received in the year before'),
      expenditure: closed({ program: total('Charitable activities'), management: total('Management'), fundraising: total('Fundraising'), total: total('All spending') }),
      ratios: closed(
        { programToPreviousIncome: { type: ['number', 'null'] }, managementToTotal: { type: ['number', 'null'] } },
        undefined,
        { description: 'Rounded to 4 decimals; null when the denominator is 0. Findings compare exact integers.' },
      ),
      counts: closed({ donations: { type: 'integer' }, disbursements: { type: 'integer' } }),
      standings: closed(
        { program: { type: 'string', enum: [...COMPLIANCE_STANDINGS] }, management: { type: 'string', enum: [...COMPLIANCE_STANDINGS] } },
        undefined,
        { description: 'Where each ratio stands against its Charity Law threshold (program at least 70% of the previous year\'s income, management at most 10% of spending), compared in exact integers; none when the denominator is 0. Clients display it and never recompute it.' },
      ),
      findings: {
        type: 'array',
        description: 'Charity Law art. 61 (art. 60 before 2023), for public-fundraising charities only: program spending below 70% of the previous year\'s income (none when that income is 0), management costs above 10% of the year\'s spending.',
        items: ref('Finding'),
      },
    },
  },
  LedgerTransaction: closed({
    txId: str,
    blockNumber: { type: 'integer' },
    timestamp: dateTime,
    creator: actor,
    contract: str,
    function: str,
    validationCode: str,
    endorsers: { type: 'array', items: str, description: 'MSP IDs of the endorsing peers' },
    writes: { type: 'array', items: str, description: 'Keys written; composite keys rendered as type/part/part' },
  }),
  ChainCheck: closed(
    {
      ok: { type: 'boolean' },
      height: { type: 'integer', minimum: 0 },
      checkedBlocks: { type: 'integer', minimum: 0, description: 'Blocks examined, the failing one included' },
      firstBadBlock: { type: 'integer', minimum: 0, description: 'Present when ok is false' },
      reason: { type: 'string', description: "Present when ok is false: why the chain check failed, e.g. \"block 12 previousHash does not match the hash of block 11\"" },
      checks: {
        type: 'array',
        items: str,
        description: 'What was checked over every block: data-hash, hash-chain, transaction-signatures (embedded) or orderer-signatures (Fabric), second-peer:<MSP> when another org\'s peer was asked',
      },
    },
    ['ok', 'height', 'checkedBlocks', 'checks'],
  ),
};

/** Paths of the section. */
export const donationPaths: Record<string, Schema> = {
  '/api/v1/charities': {
    get: {
      summary: 'Registered charities in id order: all of them for auditors and the civil registrar, its own for a charity user',
      security: secured,
      parameters: pageQuery,
      responses: { '200': ok(page(ref('Charity'))), ...errors },
    },
    post: {
      summary: 'Register a charity (civil, registrar)',
      security: secured,
      parameters: [idempotencyKey],
      requestBody: body({ type: 'object', required: ['id', 'name', 'creditCode', 'publicFundraising'], properties: { id: str, name: str, creditCode: str, publicFundraising: { type: 'boolean' } } }),
      responses: { '201': ok(written('Charity'), 'Registered'), ...errors, '409': problem('DUPLICATE_ID') },
    },
  },
  '/api/v1/charities/{id}/projects': {
    get: {
      summary: `A charity's projects with their money figures, in id order. ${readRule}`,
      security: secured,
      parameters: [idParam, ...pageQuery],
      responses: { '200': ok(page(ref('Project'))), ...errors, '404': problem('CHARITY_NOT_FOUND') },
    },
  },
  '/api/v1/charities/{id}': {
    get: { summary: `A charity. ${readRule}`, security: secured, parameters: [idParam], responses: { '200': ok(ref('Charity')), ...errors, '404': problem('CHARITY_NOT_FOUND') } },
  },
  '/api/v1/projects': {
    post: {
      summary: 'Create a project for the charity named in the token (charity, charity role)',
      security: secured,
      parameters: [idempotencyKey],
      requestBody: body({ type: 'object', required: ['title', 'targetAmount'], properties: { id: str, title: str, targetAmount: fen('Target') } }),
      responses: { '201': ok(written('Project'), 'Created'), ...errors, '404': problem('CHARITY_NOT_FOUND'), '409': problem('DUPLICATE_ID') },
    },
  },
  '/api/v1/projects/{id}': {
    get: { summary: `A project with raised, disbursed and balance. ${readRule}`, security: secured, parameters: [idParam], responses: { '200': ok(ref('Project')), ...errors, '404': problem('PROJECT_NOT_FOUND') } },
  },
  '/api/v1/donations': {
    post: {
      summary: "Record a donation to a project of the token's charity (charity, charity role)",
      security: secured,
      parameters: [idempotencyKey],
      requestBody: body(donationBody),
      responses: {
        '201': ok({ type: 'object', required: ['id', 'donation', 'txId', 'blockNumber'], properties: { id: str, donation: ref('Donation'), txId: str, blockNumber: { type: 'integer' } } }, 'Recorded'),
        ...errors,
        '404': problem('PROJECT_NOT_FOUND'),
        '409': problem('DUPLICATE_ID'),
        '422': problem('TOTAL_LIMIT_EXCEEDED: a running total would pass 2^53 − 1 fen'),
      },
    },
  },
  '/api/v1/donations/batch': {
    post: {
      summary: 'Record 1..1000 donations in one transaction, all or nothing (charity, charity role)',
      security: secured,
      parameters: [idempotencyKey],
      requestBody: body({ type: 'object', required: ['items'], properties: { items: { type: 'array', minItems: 1, maxItems: 1000, items: donationBody } } }),
      responses: {
        '201': ok(
          {
            type: 'object',
            required: ['items', 'txId', 'blockNumber'],
            properties: { items: { type: 'array', items: { type: 'object', required: ['id', 'donation'], properties: { id: str, donation: ref('Donation') } } }, txId: str, blockNumber: { type: 'integer' } },
          },
          'Recorded',
        ),
        ...errors,
        '404': problem('PROJECT_NOT_FOUND'),
        '409': problem('DUPLICATE_ID'),
      },
    },
  },
  '/api/v1/donations/compare': {
    post: {
      summary:
        "Compare 1..1000 donation requests (the items of a batch, each with its id) with the donations under their ids, without writing anything (charity, charity role): projectId, amount, donor (anonymous, or the donor's pseudonym for the token's charity) and, when the item names them, channel and receivedAt. A donation of another charity is different in `charity` only. Each item whose donor does not match counts against the caller's hourly allowance of look-ups by ID number",
      security: secured,
      requestBody: body({ type: 'object', required: ['items'], properties: { items: { type: 'array', minItems: 1, maxItems: 1000, items: { ...donationBody, required: ['id', 'projectId', 'amount', 'donor'] } } } }),
      responses: { '200': ok(comparisonAnswer(['projectId', 'amount', 'donor', 'channel', 'receivedAt', 'charity'])), ...errors, '429': problem('RATE_LIMITED: too many look-ups by ID number') },
    },
  },
  '/api/v1/donations/{id}': {
    get: { summary: `A donation with what is left of it. ${readRule}`, security: secured, parameters: [idParam], responses: { '200': ok(ref('Donation')), ...errors, '404': problem('DONATION_NOT_FOUND') } },
  },
  '/api/v1/disbursements': {
    post: {
      summary: "Record a disbursement from a project of the token's charity; it consumes the oldest unspent donations first (charity, charity role)",
      security: secured,
      parameters: [idempotencyKey],
      requestBody: body({
        type: 'object',
        required: ['projectId', 'amount', 'category'],
        properties: {
          id: str,
          projectId: str,
          amount: fen('Amount'),
          category,
          beneficiary: personSchema(['idNumber']),
          payee: str,
          evidenceDigest: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
          memo: { type: 'string', maxLength: 500, description: 'Shown to auditors; must not hold personal data' },
          paidAt: businessDate('When the money was paid'),
        },
      }),
      responses: {
        '201': ok({ type: 'object', required: ['id', 'disbursement', 'txId', 'blockNumber'], properties: { id: str, disbursement: ref('Disbursement'), txId: str, blockNumber: { type: 'integer' } } }, 'Recorded'),
        ...errors,
        '404': problem('PROJECT_NOT_FOUND'),
        '409': problem('DUPLICATE_ID'),
        '422': problem('INSUFFICIENT_FUNDS: more than the project balance'),
      },
    },
  },
  '/api/v1/disbursements/{id}': {
    get: { summary: `A disbursement with its sources. ${readRule}`, security: secured, parameters: [idParam], responses: { '200': ok(ref('Disbursement')), ...errors, '404': problem('DISBURSEMENT_NOT_FOUND') } },
  },
  '/api/v1/audit/donations/{id}/trace': {
    get: {
      summary: `Forward trace: a donation to every disbursement and beneficiary it paid for. ${auditRule}`,
      security: secured,
      parameters: [idParam],
      responses: {
        '200': ok({
          type: 'object',
          required: ['donation', 'allocations', 'remaining'],
          additionalProperties: false,
          properties: {
            donation: ref('Donation'),
            allocations: {
              type: 'array',
              items: closed(
                { disbursementId: str, amount: fen('Share'), category, beneficiaryRef: pseudonym('beneficiary'), payee: str, paidAt: dateTime, txId: str, blockNumber: traceBlock, timestamp: dateTime },
                ['disbursementId', 'amount', 'category', 'paidAt', 'txId', 'timestamp'],
              ),
            },
            remaining: total('Not yet spent'),
          },
        }),
        ...errors,
        '404': problem('DONATION_NOT_FOUND'),
      },
    },
  },
  '/api/v1/audit/disbursements/{id}/trace': {
    get: {
      summary: `Backward trace: a disbursement to the donations and donor pseudonyms that paid for it. ${auditRule}`,
      security: secured,
      parameters: [idParam],
      responses: {
        '200': ok({
          type: 'object',
          required: ['disbursement', 'sources'],
          additionalProperties: false,
          properties: {
            disbursement: ref('Disbursement'),
            sources: {
              type: 'array',
              items: closed(
                { donationId: str, amount: fen('Share'), donorRef: pseudonym('donor', ' of this charity'), anonymous: { type: 'boolean' }, receivedAt: dateTime, txId: str, blockNumber: traceBlock },
                ['donationId', 'amount', 'anonymous', 'receivedAt', 'txId'],
              ),
            },
          },
        }),
        ...errors,
        '404': problem('DISBURSEMENT_NOT_FOUND'),
      },
    },
  },
  '/api/v1/audit/charities/{id}/report': {
    get: {
      summary: `Annual compliance report (a few key reads, whatever the volume). ${auditRule}`,
      security: secured,
      parameters: [idParam, yearQuery],
      responses: { '200': ok(ref('AnnualReport')), ...errors, '404': problem('CHARITY_NOT_FOUND') },
    },
  },
  '/api/v1/audit/charities/{id}/records': {
    get: {
      summary: `A charity's donations or disbursements of a year, in recording order, each with its block (the portal's money flow). ${auditRule}`,
      security: secured,
      parameters: [idParam, yearQuery, { name: 'kind', in: 'query', required: true, schema: { enum: ['donations', 'disbursements'] } }, ...pageQuery],
      responses: {
        '200': ok(page({ description: 'A Donation or a Disbursement (as `kind` says), plus the block of its transaction', anyOf: [listed('Donation'), listed('Disbursement')] })),
        ...errors,
        '404': problem('CHARITY_NOT_FOUND'),
      },
    },
  },
  '/api/v1/audit/charities/{id}/export.csv': {
    get: {
      summary: `A charity's donations and disbursements of a year as CSV for working papers (RFC 4180; text that would start a spreadsheet formula is prefixed with an apostrophe). ${auditRule}`,
      security: secured,
      parameters: [idParam, yearQuery],
      responses: { '200': { description: 'CSV, header row first', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors, '404': problem('CHARITY_NOT_FOUND') },
    },
  },
  '/api/v1/audit/history/{entity}/{id}': {
    get: {
      summary: `Every version of a charity, project, donation or disbursement, oldest first, with its transaction and block. ${auditRule}`,
      security: secured,
      parameters: [
        { name: 'entity', in: 'path', required: true, schema: { enum: ['charity', 'project', 'donation', 'disbursement'] } },
        idParam,
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
        { name: 'cursor', in: 'query', required: false, schema: str },
      ],
      responses: {
        '200': ok({
          type: 'object',
          required: ['entity', 'id', 'items'],
          properties: {
            entity: str,
            id: str,
            items: { type: 'array', items: closed({ txId: str, blockNumber: { type: 'integer' }, timestamp: dateTime, isDelete: { type: 'boolean' }, record: { type: 'object' } }, ['txId', 'timestamp', 'isDelete']) },
            nextCursor: str,
          },
        }),
        ...errors,
        '404': problem('*_NOT_FOUND'),
      },
    },
  },
  '/api/v1/audit/transactions/{txId}': {
    get: {
      summary: 'A transaction: block, creator, contract and function, validation code, endorsers, keys written (audit org, auditor)',
      security: secured,
      parameters: [{ name: 'txId', in: 'path', required: true, schema: str }],
      responses: { '200': ok(ref('LedgerTransaction')), ...errors, '404': problem('TX_NOT_FOUND') },
    },
  },
  '/api/v1/audit/ledger/verify': {
    get: {
      summary: 'Recompute the block hash chain from the genesis block (audit org, auditor)',
      security: secured,
      responses: {
        '200': ok(ref('ChainCheck')),
        ...errors,
      },
    },
  },
};
