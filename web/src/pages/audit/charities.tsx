/** /audit: the charities the user may audit, each with its latest annual report and findings by severity. */
import { useState } from 'preact/hooks';
import { Empty, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { seg } from '../../lib/api';
import { auditGet, latestReport, type AnnualReport, type Charity, type Page } from './audit-api';
import { AuditShow, SeverityBadge, percentText } from './parts';

const PAGE_SIZE = 20;
const SEVERITIES = ['high', 'medium', 'low'] as const;

/** Findings counted by severity, most severe first; only severities that occur. */
function severityCounts(report: AnnualReport): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const known: string[] = [...SEVERITIES];
  return [...counts].sort((a, b) => (known.indexOf(a[0]) + 1 || 99) - (known.indexOf(b[0]) + 1 || 99));
}

function LatestReport(props: { charity: Charity }) {
  const i18n = useI18n();
  const { t, money } = i18n;
  const loaded = useLoad((signal) => latestReport(props.charity.id, signal), [props.charity.id]);
  return (
    <AuditShow loaded={loaded}>
      {(r) => (
        <div class="latest" data-testid="latest-report" data-year={r.year}>
          <p class="latest-year">{t('audit.list.latestYear', { year: r.year })}</p>
          <dl class="facts">
            <dt>{t('audit.figures.income')}</dt>
            <dd>{money(r.income)}</dd>
            <dt>{t('audit.ratio.program.short')}</dt>
            <dd>{percentText(i18n, r.ratios.programToPreviousIncome)}</dd>
            <dt>{t('audit.ratio.management.short')}</dt>
            <dd>{percentText(i18n, r.ratios.managementToTotal)}</dd>
          </dl>
          <p class="finding-badges" data-testid="finding-counts" data-total={r.findings.length}>
            {r.findings.length === 0 ? (
              <span class="badge badge-ok">{t('audit.findings.none.short')}</span>
            ) : (
              severityCounts(r).map(([severity, n]) => <SeverityBadge key={severity} severity={severity} count={n} />)
            )}
          </p>
        </div>
      )}
    </AuditShow>
  );
}

/** The charity list, a page at a time; earlier cursors are kept so "previous" needs no server support. */
export function CharityList() {
  const { t } = useI18n();
  const [cursors, setCursors] = useState<string[]>(['']);
  const cursor = cursors[cursors.length - 1];
  const loaded = useLoad((signal) => {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (cursor) q.set('cursor', cursor);
    return auditGet<Page<Charity>>(`/api/v1/charities?${q}`, signal);
  }, [cursor]);
  return (
    <>
      <h1>{t('audit.list.title')}</h1>
      <p class="lead">{t('audit.list.lead')}</p>
      <AuditShow loaded={loaded}>
        {(page) => (
          <>
            {page.items.length === 0 ? (
              <Empty>{t('audit.list.empty')}</Empty>
            ) : (
              <ul class="charity-list" aria-busy={loaded.loading}>
                {page.items.map((c) => (
                  <li key={c.id} class="card charity-row" data-testid="charity-row" data-charity-id={c.id}>
                    <h2>
                      <a href={`/audit/charities/${seg(c.id)}`}>{c.name}</a>
                    </h2>
                    <p class="charity-meta">
                      <span class="mono">{c.id}</span>{' '}
                      <span class={`badge ${c.publicFundraising ? 'badge-ok' : 'badge-muted'}`}>
                        {t(c.publicFundraising ? 'audit.charity.public' : 'audit.charity.notPublic')}
                      </span>
                    </p>
                    <LatestReport charity={c} />
                  </li>
                ))}
              </ul>
            )}
            {(cursors.length > 1 || page.nextCursor) && (
              <div class="toolbar pager">
                <button type="button" class="secondary" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                  {t('audit.page.previous')}
                </button>
                <button type="button" class="secondary" disabled={!page.nextCursor} onClick={() => page.nextCursor && setCursors([...cursors, page.nextCursor])}>
                  {t('action.next')}
                </button>
              </div>
            )}
          </>
        )}
      </AuditShow>
    </>
  );
}
