import { useMemo } from 'preact/hooks';
import { useI18n, type I18n, type Lang } from '../../i18n';
import { claimTree, type ClaimLevel, type ClaimValue, type Scalar } from './claim-tree';
import { titleIn } from './credential-data';

/** The part of a JSON Schema the claim display reads. */
export interface FieldSchema {
  title?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, FieldSchema>;
}

/** The schema of a field of an object schema, when it has one. */
export function fieldSchema(schema: FieldSchema | Record<string, unknown> | undefined, key: string): FieldSchema | undefined {
  const properties = (schema as FieldSchema | undefined)?.properties;
  return properties !== undefined && Object.hasOwn(properties, key) ? properties[key] : undefined;
}

/**
 * A field's title: the schema's `title` (in the reader's language when it is
 * bilingual), else the portal's name for the well-known claims of the seeded
 * types, else the claim's key as the issuer wrote it.
 */
export function fieldTitle(i18n: I18n, key: string, schema: FieldSchema | undefined): string {
  if (typeof schema?.title === 'string' && schema.title.trim() !== '') return titleIn(schema.title, i18n.lang);
  const known = `credential.field.${key}`;
  return i18n.has(known) ? i18n.t(known) : key;
}

/** A calendar date `YYYY-MM-DD` in the reader's language, without shifting it through a time zone. */
export function calendarDate(lang: Lang, value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const when = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(when.getTime())) return value;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(when);
}

function plainScalar(i18n: I18n, key: string, value: Scalar, schema: FieldSchema | undefined): string {
  if (typeof value === 'boolean') return i18n.t(value ? 'credential.yes' : 'credential.no');
  // Amounts are integer fen throughout the ledger; the seeded types name them …Fen.
  if (typeof value === 'number') return /Fen$/.test(key) && Number.isInteger(value) ? i18n.money(value) : String(value);
  if (typeof value === 'string') {
    if (schema?.format === 'date') return calendarDate(i18n.lang, value);
    const known = `credential.value.${key}.${value}`;
    return i18n.has(known) ? i18n.t(known) : value;
  }
  return 'null';
}

function plainValue(i18n: I18n, key: string, value: Exclude<ClaimValue, { kind: 'object' }>, schema: FieldSchema | undefined): string {
  switch (value.kind) {
    case 'scalar':
      return plainScalar(i18n, key, value.value, schema);
    case 'list': {
      const items = value.items.map((item) => (item.kind === 'scalar' ? plainScalar(i18n, key, item.value, undefined) : item.text));
      return (value.more > 0 ? [...items, '…'] : items).join('、');
    }
    case 'tooDeep':
      return i18n.t('credential.tooDeep');
  }
}

/** One level of the bounded claim tree; nested objects (a spouse) as nested lists, no deeper than the tree goes. */
function ClaimLevelList(props: { level: ClaimLevel; schema?: FieldSchema | Record<string, unknown>; testId?: string }) {
  const i18n = useI18n();
  const { facts, more } = props.level;
  return (
    <>
      <dl class="facts claims" data-testid={props.testId}>
        {facts.map(({ key, value }, i) => {
          const schema = fieldSchema(props.schema, key);
          return (
            <div class="fact" key={i} data-claim={key}>
              <dt>{fieldTitle(i18n, key, schema)}</dt>
              <dd class={value.kind === 'tooDeep' ? 'muted' : undefined} data-testid={value.kind === 'tooDeep' ? 'claim-too-deep' : undefined}>
                {value.kind === 'object' ? <ClaimLevelList level={value} schema={schema} /> : plainValue(i18n, key, value, schema)}
              </dd>
            </div>
          );
        })}
      </dl>
      {more > 0 && (
        <p class="muted" data-testid="claims-more">
          {i18n.t('credential.moreClaims', { n: more })}
        </p>
      )}
    </>
  );
}

/**
 * The claims of a credential with the type's field titles. They are cut to a
 * bounded tree first (see claim-tree.ts): a hostile payload can neither
 * overflow the stack nor freeze the tab.
 */
export function ClaimList(props: { claims: Array<[string, unknown]>; schema?: FieldSchema | Record<string, unknown>; testId?: string }) {
  const i18n = useI18n();
  const level = useMemo(() => claimTree(props.claims), [props.claims]);
  if (props.claims.length === 0) return <p class="muted">{i18n.t('credential.noClaims')}</p>;
  return <ClaimLevelList level={level} schema={props.schema} testId={props.testId} />;
}
