import { ID_TYPES } from '../../../chaincode/src/identifiers';
/** Building blocks of the OpenAPI document, shared by its sections. */
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: Schema) => ({ 'application/json': { schema } });
export const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
/**
 * A closed object: every property listed, `required` the ones always sent
 * (by default all of them), nothing else allowed.
 */
export const closed = (properties: Record<string, Schema>, required: readonly string[] = Object.keys(properties), extra: Schema = {}): Schema => ({
  type: 'object',
  required: [...required],
  properties,
  additionalProperties: false,
  ...extra,
});
/** Who wrote a record: the caller's MSP and user id. */
export const actor: Schema = closed({ mspId: { type: 'string' }, id: { type: 'string' } });
export const ok = (schema: Schema, description = 'OK') => ({ description, content: json(schema) });
export const body = (schema: Schema) => ({ required: true, content: json(schema) });
export const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
export const idempotencyKey = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } };
export const secured = [{ bearer: [] }];
export const errors = {
  '400': problem('Validation failed'),
  '401': problem('Missing or invalid token'),
  '403': problem('Not allowed for this org or role'),
};
export const page = (item: Schema): Schema => closed({ items: { type: 'array', items: item }, nextCursor: { type: 'string' } }, ['items']);
/**
 * The answer of a write: `extra` plus the transaction and its block, all
 * always sent unless `optional` names them. Open to members added later.
 */
export const write = (extra: Record<string, Schema>, optional: readonly string[] = []): Schema => ({
  type: 'object',
  required: [...Object.keys(extra).filter((k) => !optional.includes(k)), 'txId', 'blockNumber'],
  properties: { ...extra, txId: { type: 'string' }, blockNumber: { type: 'integer' } },
});

/** A person named by an identity document; the number becomes a pseudonym, the name never reaches the ledger. */
export const personSchema = (required: string[]): Schema => ({
  type: 'object',
  required,
  description:
    'Without idType, idNumber is an 18-character mainland resident ID with its GB 11643 check character; other documents are named with idType. The number becomes a pseudonym; the name never reaches the ledger.',
  properties: { idType: { enum: [...ID_TYPES] }, idNumber: { type: 'string' }, name: { type: 'string' } },
});


/**
 * The answer of a comparison with the ledger (`…/compare`): one entry per
 * item, in item order. `differs` and `unverified` name fields, never values.
 */
export const comparisonAnswer = (fields: readonly string[], unverified?: string): Schema =>
  closed({
    items: {
      type: 'array',
      items: closed(
        {
          id: { type: 'string' },
          state: { enum: ['absent', 'same', 'different'], description: 'absent: no record under this id; same: the record says what the item says; different: it says something else' },
          differs: { type: 'array', items: { enum: [...fields] }, description: 'The fields that differ (present when state is different), never their values' },
          ...(unverified ? { unverified: { type: 'array', items: { enum: [...fields] }, description: unverified } } : {}),
        },
        ['id', 'state'],
      ),
    },
  });
