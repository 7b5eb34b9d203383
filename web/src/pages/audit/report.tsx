/**
 * /audit/charities/<id>?year=YYYY: one charity's year — figures, the Charity
 * Law ratios against their thresholds, findings, the CSV export, the money
 * flow (chart and table) and every donation and disbursement of the year.
 */
import { useLocation, useRoute } from 'preact-iso';
import { useMemo, useState } from 'preact/hooks';
import { Empty, ErrorNotice, Loading, useLoad } from '../../components/state';
import { useI18n, type I18n } from '../../i18n';
import { request, seg } from '../../lib/api';
import {
  auditGet,
  businessYearNow,
  charityProjects,
  latestReport,
  reportPath,
  yearRecords,
  type AnnualReport,
  type Charity,
  type ComplianceStanding,
  type Disbursement,
  type Donation,
  type Finding,
  type Listed,
  type Project,
} from './audit-api';
import { computeFlow, type Flow, type FlowNode } from './flow';
import { FlowChart } from './flow-chart';
import {
  AuditShow,
  DonorLabel,
  RecipientLabel,
  SeverityBadge,
  TxRef,
  categoryText,
  percentText,
  selectableYears,
  shortRef,
  usePaged,
} from './parts';

const ROWS_PER_PAGE = 50;

function parseYear(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{4}$/.test(text) ? Number(text) : undefined;
}

/** A finding in plain words from its code and figures; the API's own sentence when the code is new to the portal. */
function findingText(i18n: I18n, year: number, f: Finding): string {
  const key = `audit.finding.${f.code}`;
  const fig = f.figures ?? {};
  const num = (name: string): number | undefined => (typeof fig[name] === 'number' ? (fig[name] as number) : undefined);
  const money = (name: string) => {
    const v = num(name);
    return v === undefined ? '—' : i18n.money(v);
  };
  if (!i18n.has(key)) return f.message;
  return i18n.t(key, {
    year,
    previousYear: year - 1,
    program: money('program'),
    previous: money('previousYearIncome'),
    required: money('required'),
    shortfall: money('shortfall'),
    management: money('management'),
    total: money('total'),
    allowed: money('allowed'),
    excess: money('excess'),
    ratio: percentText(i18n, num('ratio') ?? null),
  });
}

function StandingBadge(props: { standing: ComplianceStanding }) {
  const { t } = useI18n();
  const cls = props.standing === 'meets' ? 'badge-ok' : props.standing === 'fails' ? 'badge-bad' : 'badge-muted';
  return <span class={`badge ${cls}`}>{t(`audit.standing.${props.standing}`)}</span>;
}

function Figures(props: { report: AnnualReport }) {
  const { t, money } = useI18n();
  const r = props.report;
  return (
    <section class="card" aria-labelledby="figures-h" data-testid="figures">
      <h2 id="figures-h">{t('audit.figures.title', { year: r.year })}</h2>
      <dl class="facts">
        <dt>{t('audit.figures.income')}</dt>
        <dd data-testid="figure-income">{money(r.income)}</dd>
        <dt>{t('audit.figures.previousIncome', { year: r.year - 1 })}</dt>
        <dd data-testid="figure-previous-income">{money(r.previousYearIncome)}</dd>
        <dt>{t('audit.figures.program')}</dt>
        <dd data-testid="figure-program">{money(r.expenditure.program)}</dd>
        <dt>{t('audit.figures.management')}</dt>
        <dd data-testid="figure-management">{money(r.expenditure.management)}</dd>
        <dt>{t('audit.figures.fundraising')}</dt>
        <dd data-testid="figure-fundraising">{money(r.expenditure.fundraising)}</dd>
        <dt>{t('audit.figures.total')}</dt>
        <dd data-testid="figure-total">{money(r.expenditure.total)}</dd>
        {r.counts && (
          <>
            <dt>{t('audit.figures.counts')}</dt>
            <dd>{t('audit.figures.countsValue', { donations: r.counts.donations, disbursements: r.counts.disbursements })}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function Ratios(props: { report: AnnualReport }) {
  const i18n = useI18n();
  const { t, money } = i18n;
  const r = props.report;
  const program = r.standings.program;
  const management = r.standings.management;
  return (
    <section class="card" aria-labelledby="ratios-h" data-testid="ratios">
      <h2 id="ratios-h">{t('audit.ratio.title')}</h2>
      <div class="ratio" data-testid="ratio-program" data-standing={program}>
        <h3>{t('audit.ratio.program.title')}</h3>
        <p class="ratio-value">
          <strong>{percentText(i18n, r.ratios.programToPreviousIncome)}</strong> <StandingBadge standing={program} />
        </p>
        <p>
          {program === 'none'
            ? t('audit.ratio.program.none', { previousYear: r.year - 1 })
            : t('audit.ratio.program.explain', { program: money(r.expenditure.program), previous: money(r.previousYearIncome), previousYear: r.year - 1 })}
        </p>
        <p class="hint">{t('audit.ratio.program.rule')}</p>
      </div>
      <div class="ratio" data-testid="ratio-management" data-standing={management}>
        <h3>{t('audit.ratio.management.title')}</h3>
        <p class="ratio-value">
          <strong>{percentText(i18n, r.ratios.managementToTotal)}</strong> <StandingBadge standing={management} />
        </p>
        <p>
          {management === 'none'
            ? t('audit.ratio.management.none')
            : t('audit.ratio.management.explain', { management: money(r.expenditure.management), total: money(r.expenditure.total) })}
        </p>
        <p class="hint">{t('audit.ratio.management.rule')}</p>
      </div>
      {!r.publicFundraising && <p class="state state-empty">{t('audit.ratio.notPublic')}</p>}
    </section>
  );
}

function Findings(props: { report: AnnualReport }) {
  const i18n = useI18n();
  const r = props.report;
  return (
    <section class="card" aria-labelledby="findings-h">
      <h2 id="findings-h">{i18n.t('audit.findings.title', { n: r.findings.length })}</h2>
      {r.findings.length === 0 ? (
        <p data-testid="no-findings">{i18n.t(r.publicFundraising ? 'audit.findings.none' : 'audit.findings.noneNotPublic')}</p>
      ) : (
        <ul class="findings">
          {r.findings.map((f, i) => (
            <li key={`${f.code}-${i}`} data-testid="finding" data-severity={f.severity} data-code={f.code} class={`finding finding-${f.severity}`}>
              <SeverityBadge severity={f.severity} /> <span>{findingText(i18n, r.year, f)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The file name the gateway offers in Content-Disposition, if it is a plain one. */
function attachmentName(header: string | null): string | undefined {
  const m = header === null ? null : /filename="([^"]+)"/.exec(header);
  return m ? m[1] : undefined;
}

/** Downloads the year's CSV: it needs the bearer token, so it is fetched and handed to the browser as a Blob. */
function ExportButton(props: { charityId: string; year: number }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const run = async () => {
    setState({ busy: true });
    try {
      const res = await request('GET', `/api/v1/audit/charities/${seg(props.charityId)}/export.csv?year=${props.year}`, {
        headers: { Accept: 'text/csv' },
        redirectOnAuthError: false,
      });
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = attachmentName(res.headers.get('Content-Disposition')) ?? `${props.charityId}-${props.year}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      // The download has started by now; the object URL only has to outlive the click.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState({ busy: false });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <>
      <button type="button" class="secondary" data-testid="export-csv" disabled={state.busy} aria-busy={state.busy} onClick={() => void run()}>
        {state.busy ? t('audit.export.busy') : t('audit.export.button')}
      </button>
      {state.error !== undefined && <ErrorNotice error={state.error} />}
    </>
  );
}

interface YearData {
  donations: Listed<Donation>[];
  disbursements: Listed<Disbursement>[];
  complete: boolean;
  projects: Map<string, Project>;
}

async function loadYear(charityId: string, year: number, signal: AbortSignal): Promise<YearData> {
  const [donations, disbursements, projects] = await Promise.all([
    yearRecords<Donation>(charityId, year, 'donations', signal),
    yearRecords<Disbursement>(charityId, year, 'disbursements', signal),
    // A project missing from the listing is shown by its id: the flow does not depend on its title.
    charityProjects(charityId, signal),
  ]);
  return { donations: donations.items, disbursements: disbursements.items, complete: donations.complete && disbursements.complete, projects };
}

function nodeLabel(i18n: I18n, n: FlowNode, projects: Map<string, Project>): string {
  const key = n.key ?? '';
  switch (n.kind) {
    case 'donor':
      return i18n.t('audit.flow.donor', { ref: shortRef(key) });
    case 'project':
      return projects.get(key)?.title ?? key;
    case 'category':
      return categoryText(i18n, key);
    case 'beneficiary':
      return i18n.t('audit.flow.beneficiary', { ref: shortRef(key) });
    case 'payee':
      return key;
    default:
      return i18n.t(`audit.flow.${n.kind}`);
  }
}

function FlowSection(props: { flow: Flow; labels: Map<string, string>; complete: boolean }) {
  const i18n = useI18n();
  const { t, money } = i18n;
  const { flow, labels } = props;
  const projects = flow.nodes.filter((n) => n.kind === 'project').map((n) => labels.get(n.id) ?? n.id);
  return (
    <section class="card" aria-labelledby="flow-h">
      <h2 id="flow-h">{t('audit.flow.title')}</h2>
      <p class="hint">{t('audit.flow.lead')}</p>
      {!props.complete && <p class="state state-unreachable">{t('audit.flow.partial')}</p>}
      {flow.links.length === 0 ? (
        <Empty>{t('audit.flow.empty')}</Empty>
      ) : (
        <>
          <FlowChart flow={flow} labels={labels} money={money} ariaLabel={t('audit.flow.aria', { projects: projects.join('、') })} />
          <details class="flow-table">
            <summary>{t('audit.flow.tableSummary')}</summary>
            <div class="table-wrap">
              <table data-testid="flow-table">
                <caption class="visually-hidden">{t('audit.flow.tableCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('audit.flow.from')}</th>
                    <th scope="col">{t('audit.flow.to')}</th>
                    <th scope="col" class="num">
                      {t('audit.col.amount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {flow.links.map((l) => (
                    <tr key={`${l.source}>${l.target}`}>
                      <td>{labels.get(l.source) ?? l.source}</td>
                      <td>{labels.get(l.target) ?? l.target}</td>
                      <td class="num">{money(l.value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </section>
  );
}

function DonationTable(props: { rows: Listed<Donation>[]; projects: Map<string, Project> }) {
  const i18n = useI18n();
  const { t, money, dateTime } = i18n;
  const { page, pager } = usePaged(props.rows, ROWS_PER_PAGE);
  return (
    <section aria-labelledby="donations-h">
      <h2 id="donations-h">{t('audit.donations.title', { n: props.rows.length })}</h2>
      {props.rows.length === 0 ? (
        <Empty>{t('audit.donations.empty')}</Empty>
      ) : (
        <>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('audit.col.donation')}</th>
                  <th scope="col">{t('audit.col.project')}</th>
                  <th scope="col">{t('audit.col.donor')}</th>
                  <th scope="col" class="num">{t('audit.col.amount')}</th>
                  <th scope="col" class="num">{t('audit.col.remaining')}</th>
                  <th scope="col">{t('audit.col.receivedAt')}</th>
                  <th scope="col">{t('audit.col.tx')}</th>
                </tr>
              </thead>
              <tbody>
                {page.map((d) => (
                  <tr key={d.id} data-testid="donation-row" data-id={d.id}>
                    <td>
                      <a href={`/audit/donations/${seg(d.id)}`} class="mono">
                        {d.id}
                      </a>
                    </td>
                    <td>{props.projects.get(d.projectId)?.title ?? d.projectId}</td>
                    <td>
                      <DonorLabel donorRef={d.donorRef} anonymous={d.anonymous} />
                    </td>
                    <td class="num">{money(d.amount)}</td>
                    <td class="num">{money(d.remaining)}</td>
                    <td>{dateTime(d.receivedAt)}</td>
                    <td>
                      <TxRef txId={d.txId} blockNumber={d.blockNumber} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pager}
        </>
      )}
    </section>
  );
}

function DisbursementTable(props: { rows: Listed<Disbursement>[]; projects: Map<string, Project> }) {
  const i18n = useI18n();
  const { t, money, dateTime } = i18n;
  const { page, pager } = usePaged(props.rows, ROWS_PER_PAGE);
  return (
    <section aria-labelledby="disbursements-h">
      <h2 id="disbursements-h">{t('audit.disbursements.title', { n: props.rows.length })}</h2>
      {props.rows.length === 0 ? (
        <Empty>{t('audit.disbursements.empty')}</Empty>
      ) : (
        <>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('audit.col.disbursement')}</th>
                  <th scope="col">{t('audit.col.project')}</th>
                  <th scope="col">{t('audit.col.category')}</th>
                  <th scope="col">{t('audit.col.recipient')}</th>
                  <th scope="col" class="num">{t('audit.col.amount')}</th>
                  <th scope="col">{t('audit.col.paidAt')}</th>
                  <th scope="col" class="num">{t('audit.col.sources')}</th>
                  <th scope="col">{t('audit.col.tx')}</th>
                </tr>
              </thead>
              <tbody>
                {page.map((d) => (
                  <tr key={d.id} data-testid="disbursement-row" data-id={d.id}>
                    <td>
                      <a href={`/audit/disbursements/${seg(d.id)}`} class="mono">
                        {d.id}
                      </a>
                    </td>
                    <td>{props.projects.get(d.projectId)?.title ?? d.projectId}</td>
                    <td>{categoryText(i18n, d.category)}</td>
                    <td>
                      <RecipientLabel beneficiaryRef={d.beneficiaryRef} payee={d.payee} />
                    </td>
                    <td class="num">{money(d.amount)}</td>
                    <td>{dateTime(d.paidAt)}</td>
                    <td class="num">{d.sources.length}</td>
                    <td>
                      <TxRef txId={d.txId} blockNumber={d.blockNumber} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pager}
        </>
      )}
    </section>
  );
}

/** The flow and the record tables of one year, loaded after the report. */
function YearRecords(props: { charityId: string; year: number }) {
  const i18n = useI18n();
  const loaded = useLoad((signal) => loadYear(props.charityId, props.year, signal), [props.charityId, props.year]);
  const data = loaded.data;
  const flow = useMemo(() => (data ? computeFlow(data.donations, data.disbursements) : undefined), [data]);
  const labels = useMemo(() => {
    const m = new Map<string, string>();
    if (flow && data) for (const n of flow.nodes) m.set(n.id, nodeLabel(i18n, n, data.projects));
    return m;
  }, [flow, data, i18n]);
  return (
    <AuditShow loaded={loaded}>
      {(d) => (
        <>
          {flow && <FlowSection flow={flow} labels={labels} complete={d.complete} />}
          <DonationTable rows={d.donations} projects={d.projects} />
          <DisbursementTable rows={d.disbursements} projects={d.projects} />
        </>
      )}
    </AuditShow>
  );
}

export function ReportPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { params, query } = useRoute();
  const { route } = useLocation();
  const id = params.id ?? '';
  const asked = parseYear(query.year);
  const charity = useLoad((signal) => auditGet<Charity>(`/api/v1/charities/${seg(id)}`, signal), [id]);
  const report = useLoad((signal) => (asked === undefined ? latestReport(id, signal) : auditGet<AnnualReport>(reportPath(id, asked), signal)), [id, asked]);
  const thisYear = businessYearNow();
  const shownYear = report.data?.year ?? asked;
  const years = selectableYears(thisYear);
  if (shownYear !== undefined && !years.includes(shownYear)) years.push(shownYear);

  return (
    <>
      <p class="no-print">
        <a href="/audit">{t('audit.backToList')}</a>
      </p>
      <h1>{charity.data ? t('audit.report.title', { name: charity.data.name }) : t('audit.report.titleId', { id })}</h1>
      <div class="toolbar no-print">
        <div class="field year-field">
          <label for="audit-year">{t('audit.report.year')}</label>
          <select
            id="audit-year"
            data-testid="year-select"
            value={shownYear === undefined ? '' : String(shownYear)}
            onChange={(e) => route(`/audit/charities/${seg(id)}?year=${(e.currentTarget as HTMLSelectElement).value}`)}
          >
            {shownYear === undefined && <option value="">{t('state.loading')}</option>}
            {years.map((y) => (
              <option key={y} value={String(y)}>
                {t('audit.report.yearOption', { year: y })}
              </option>
            ))}
          </select>
        </div>
        {report.data && <ExportButton charityId={id} year={report.data.year} />}
      </div>
      <AuditShow loaded={report}>
        {(r) =>
          report.loading ? (
            <Loading />
          ) : (
            <>
              {asked === undefined && <p class="hint">{t('audit.report.latestNote', { year: r.year })}</p>}
              <div class="report-grid">
                <Figures report={r} />
                <Ratios report={r} />
              </div>
              <Findings report={r} />
              <YearRecords charityId={id} year={r.year} />
            </>
          )
        }
      </AuditShow>
    </>
  );
}
