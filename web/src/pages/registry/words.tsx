/** Small pieces the registry pages share: statuses in plain words, type titles, organisation names, field labels, hashing. */
import { useI18n, type I18n, type Lang } from '../../i18n';
import { hex } from '../../lib/hash';
import type { CertificateType } from '../../lib/types';
import type { FieldSpec, Problem } from './field-spec';
import { CONSORTIUM_MSPS, MSP } from '../../../../chaincode/src/models/orgs';

/** The MSP of the civil-affairs organisation: the only issuer this console acts for. */
export const CIVIL_MSP = MSP.civil;
/** The consortium's MSPs, in the order the type form offers them: the chaincode's list. */
export { CONSORTIUM_MSPS };

const STATUS_BADGE: Readonly<Record<string, string>> = { active: 'badge-ok', suspended: 'badge-warn', revoked: 'badge-bad' };

/** A certificate status as a coloured badge with its plain name. */
export function StatusBadge(props: { status: string }) {
  const { t, has } = useI18n();
  const key = `registry.status.${props.status}`;
  return (
    <span class={`badge ${STATUS_BADGE[props.status] ?? 'badge-muted'}`} data-status={props.status}>
      {has(key) ? t(key) : props.status}
    </span>
  );
}

/**
 * A type's title in the reader's language. Seeded titles carry both
 * ("低保 Low-income household"): the Chinese part before the first space and
 * the English after it; other titles are shown whole.
 */
export function titleIn(title: string, lang: Lang): string {
  const m = /^(\P{ASCII}+?)\s+([A-Za-z].*)$/su.exec(title.trim());
  if (!m) return title;
  return lang === 'en' ? m[2] : m[1];
}

/** The title of type `id` among `types`, or the id itself when the type is unknown. */
export function typeTitle(types: readonly CertificateType[] | undefined, id: string, lang: Lang): string {
  const found = types?.find((t) => t.type === id);
  return found ? titleIn(found.title, lang) : id;
}

/** An organisation's name from its MSP id. */
export function mspName(i18n: I18n, msp: string): string {
  const key = `registry.msp.${msp}`;
  return i18n.has(key) ? i18n.t(key) : msp;
}

/** A claim field's label: the schema's `title`, else the portal's name for a known claim, else the property name. */
export function fieldLabel(i18n: I18n, spec: Pick<FieldSpec, 'name' | 'title'>): string {
  if (spec.title) return spec.title;
  const key = `registry.claim.${spec.name}`;
  return i18n.has(key) ? i18n.t(key) : spec.name;
}

/** An enum value's label: the portal's words for known values, else the value. */
export function enumLabel(i18n: I18n, spec: Pick<FieldSpec, 'name'>, value: unknown): string {
  const key = `registry.enum.${spec.name}.${String(value)}`;
  return i18n.has(key) ? i18n.t(key) : String(value);
}

/** A problem in plain words, with the server's own words in brackets when there is no plain version. */
export function problemText(i18n: I18n, p: Problem): string {
  const key = `registry.problem.${p.key}`;
  const text = i18n.has(key) ? i18n.t(key, p.values) : p.key;
  return p.detail ? `${text}${i18n.t('registry.detail', { detail: p.detail })}` : text;
}

/** A random token for this form's idempotency keys (a retry of the same body meets the first answer). */
export function randomToken(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return hex(bytes);
}
