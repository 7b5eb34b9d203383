/** Small pieces the audit pages share: states, references to the ledger, people and categories in plain words. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ErrorNotice, Loading, useLoad, type Loaded } from '../../components/state';
import { useSession } from '../../components/session-context';
import { useI18n, type I18n } from '../../i18n';
import { seg } from '../../lib/api';
import { hasRole } from '../../lib/session';
import { auditGet, isForbidden, type LedgerTransaction } from './audit-api';

/** Like the shared `Show`, but a 403 says "not yours to audit" in plain words. */
export function AuditShow<T>(props: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { data, error, reload } = props.loaded;
  if (error !== undefined) return isForbidden(error) ? <Forbidden /> : <ErrorNotice error={error} onRetry={reload} />;
  if (data === undefined) return <Loading />;
  return <>{props.children(data)}</>;
}

/** The API refused: the records belong to another charity (or the user is no auditor). */
export function Forbidden() {
  const { t } = useI18n();
  return (
    <div class="state state-error" role="alert" data-testid="forbidden">
      <p>{t('audit.forbidden')}</p>
      <p>
        <a href="/audit">{t('audit.backToList')}</a>
      </p>
    </div>
  );
}

/** True when the user may open ledger-level pages (transactions, chain check): the API lets auditors only. */
export function useLedgerAuditor(): boolean {
  return hasRole(useSession(), ['auditor'], 'audit');
}

/** A short form of a 64-hex pseudonym; the full one is in the title. */
export function shortRef(ref: string): string {
  return ref.length > 10 ? `${ref.slice(0, 8)}…` : ref;
}

/** A donor as the ledger knows them: a pseudonym, or anonymous. */
export function DonorLabel(props: { donorRef?: string; anonymous: boolean }) {
  const { t } = useI18n();
  if (props.anonymous || !props.donorRef) return <span>{t('audit.donor.anonymous')}</span>;
  return (
    <span>
      {t('audit.donor.ref')}{' '}
      <span class="mono" title={props.donorRef}>
        {shortRef(props.donorRef)}
      </span>
    </span>
  );
}

/** Who received a disbursement: a beneficiary's pseudonym, a payee's name, or nobody named. */
export function RecipientLabel(props: { beneficiaryRef?: string; payee?: string }) {
  const { t } = useI18n();
  return (
    <span>
      {props.beneficiaryRef && (
        <span>
          {t('audit.beneficiary.ref')}{' '}
          <span class="mono" title={props.beneficiaryRef}>
            {shortRef(props.beneficiaryRef)}
          </span>
        </span>
      )}
      {props.beneficiaryRef && props.payee && '；'}
      {props.payee && <span>{props.payee}</span>}
      {!props.beneficiaryRef && !props.payee && t('audit.recipient.unnamed')}
    </span>
  );
}

/** A spending category in plain words (program / management / fundraising). */
export function categoryText(i18n: I18n, category: string): string {
  const key = `audit.category.${category}`;
  return i18n.has(key) ? i18n.t(key) : category;
}

/**
 * A transaction and its block; a link to the ledger view for auditors, plain
 * text for others (the API lets auditors only). When the record came without
 * its block (the traces give the record's own transaction without one), an
 * auditor's view asks the ledger for it.
 */
export function TxRef(props: { txId: string; blockNumber?: number }) {
  const { t } = useI18n();
  const auditor = useLedgerAuditor();
  const lookUp = auditor && props.blockNumber === undefined;
  const tx = useLoad(
    (signal) => (lookUp ? auditGet<LedgerTransaction>(`/api/v1/audit/transactions/${seg(props.txId)}`, signal) : Promise.resolve(undefined)),
    [props.txId, lookUp],
  );
  const block = props.blockNumber ?? tx.data?.blockNumber;
  const label = (
    <>
      <span class="mono">{shortRef(props.txId)}</span>
      {block !== undefined && <span class="tx-block">{t('audit.tx.inBlock', { n: block })}</span>}
    </>
  );
  if (!auditor) return <span title={props.txId}>{label}</span>;
  return (
    <a href={`/audit/transactions/${seg(props.txId)}`} title={props.txId} data-testid="tx-link">
      {label}
    </a>
  );
}

/** Severity of a finding as a coloured badge with words. */
export function SeverityBadge(props: { severity: string; count?: number }) {
  const { t, has } = useI18n();
  const cls = props.severity === 'high' ? 'badge-bad' : props.severity === 'medium' ? 'badge-warn' : 'badge-muted';
  const key = `audit.severity.${props.severity}`;
  const word = has(key) ? t(key) : props.severity;
  return (
    <span class={`badge ${cls}`} data-severity={props.severity}>
      {props.count === undefined ? word : t('audit.severity.count', { severity: word, n: props.count })}
    </span>
  );
}

/** A ratio (0.7 = 70%) as a percentage with two decimals, or "not applicable" when the API had nothing to divide by. */
export function percentText(i18n: I18n, ratio: number | null): string {
  if (ratio === null) return i18n.t('audit.ratio.none');
  return new Intl.NumberFormat(i18n.lang, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(ratio);
}

/** Client-side pages of a list already loaded, with previous/next buttons. */
export function usePaged<T>(items: readonly T[], size: number): { page: T[]; pager: ComponentChildren } {
  const { t } = useI18n();
  const [index, setIndex] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const at = Math.min(index, pages - 1);
  const page = items.slice(at * size, at * size + size);
  const pager =
    pages > 1 ? (
      <div class="toolbar pager">
        <button type="button" class="secondary" disabled={at === 0} onClick={() => setIndex(at - 1)}>
          {t('audit.page.previous')}
        </button>
        <span>{t('audit.page.of', { n: at + 1, total: pages })}</span>
        <button type="button" class="secondary" disabled={at >= pages - 1} onClick={() => setIndex(at + 1)}>
          {t('action.next')}
        </button>
      </div>
    ) : null;
  return { page, pager };
}

/** The years the year selector offers: this one and five before (business dates reach back three years). */
export function selectableYears(current: number): number[] {
  return Array.from({ length: 6 }, (_, i) => current - i);
}
