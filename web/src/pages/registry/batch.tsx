import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { errorText, Show, useLoad } from '../../components/state';
import { useI18n, type I18n, type MessageKey } from '../../i18n';
import type { CertificateType } from '../../lib/types';
import { CHUNK_SIZE, csvCanIssue, fileProblem, prepareFile, runBatch, templateColumns, type FileProblem, type RowResult, type RowStatus } from './batch-run';
import { decodeText, parseCsv, toCsv, type CsvFile } from './csv';
import { describe, Field } from './form-bits';
import { issuableTypes } from './issue';
import { loadPatternCheck } from './pattern-engine';
import { useTypes } from './types-context';
import { InsecureContextError, sha256Hex } from '../../lib/hash';
import { problemText, titleIn } from './words';

/** Largest file the page reads: 20 MB is well over 100,000 rows. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Result rows drawn at once; the download has them all. */
const SHOWN_ROWS = 500;

/** A Blob URL for `text` as long as the component shows it, revoked when it changes or goes. */
function useBlobUrl(text: string | undefined, type = 'text/csv;charset=utf-8'): string | undefined {
  const url = useMemo(() => (text === undefined ? undefined : URL.createObjectURL(new Blob([text], { type }))), [text, type]);
  useEffect(() => () => url && URL.revokeObjectURL(url), [url]);
  return url;
}

/** A row's reason in plain words: its own problems by column, or why its chunk was refused. */
export function reasonOf(i18n: I18n, r: RowResult): string {
  if (r.problems && r.problems.length > 0) return r.problems.map((p) => `${p.field ? `${p.field}${i18n.t('registry.colon')}` : ''}${problemText(i18n, p.problem)}`).join(i18n.t('registry.listSep'));
  if (r.error !== undefined) {
    const why = errorText(i18n, r.error);
    return r.culpritLine !== undefined ? `${i18n.t('registry.batch.culprit', { line: r.culpritLine })} ${why}` : why;
  }
  return '';
}

function fileProblemText(i18n: I18n, p: FileProblem): string {
  const { t } = i18n;
  switch (p.key) {
    case 'duplicateColumn':
      return t('registry.batch.file.duplicateColumn', { column: p.column });
    case 'columns':
      return [
        p.missing.length > 0 ? t('registry.batch.file.missing', { columns: p.missing.join(', ') }) : '',
        p.unknown.length > 0 ? t('registry.batch.file.unknown', { columns: p.unknown.join(', ') }) : '',
        t('registry.batch.file.expected', { columns: p.expected.join(', ') }),
      ]
        .filter(Boolean)
        .join(' ');
    case 'nestedClaims':
      return t('registry.batch.file.nested', { claims: p.claims.join(', ') });
    default:
      return t(`registry.batch.file.${p.key}`);
  }
}

/** Issue many certificates from a CSV file, in chunks, with progress and a result per row. */
export function BatchPage() {
  const { t } = useI18n();
  const types = useTypes();
  return (
    <section class="page">
      <h1>{t('registry.batch.title')}</h1>
      <p class="lead">{t('registry.batch.lead')}</p>
      <Show loaded={types}>{(items) => <Batch types={issuableTypes(items).filter(csvCanIssue)} />}</Show>
    </section>
  );
}

interface LoadedFile {
  name: string;
  sha256: string;
  csv: CsvFile;
}

interface Run {
  results: RowResult[];
  running: boolean;
  done: boolean;
}

function Batch(props: { types: CertificateType[] }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [typeId, setTypeId] = useState('');
  const type = props.types.find((x) => x.type === typeId);
  const [file, setFile] = useState<LoadedFile>();
  // A message key (and its values), worded at render time.
  const [readError, setReadError] = useState<{ key: MessageKey; values?: Record<string, number> }>();
  const [reading, setReading] = useState(false);
  const [run, setRun] = useState<Run>();
  const [filter, setFilter] = useState<'all' | 'failed' | 'ok'>('all');
  const left = useRef(false);
  useEffect(
    () => () => {
      left.current = true;
    },
    [],
  );

  // Schema patterns are checked with the linear-time engine, loaded with the page; the rows wait for it.
  const patterns = useLoad(() => loadPatternCheck(), []);
  // Checking every row is the costly part: once per file and type, not on every progress update.
  const checked = useMemo(() => {
    if (!type || !file || patterns.loading) return undefined;
    const problem = fileProblem(type, file.csv);
    return { problem, prepared: problem ? undefined : prepareFile(type, file.csv, patterns.data) };
  }, [type, file, patterns.loading, patterns.data]);
  const problem = checked?.problem;
  const prepared = checked?.prepared;
  const badRows = prepared?.results.filter((r) => r.status === 'failed') ?? [];

  const chooseFile = async (input: HTMLInputElement) => {
    const chosen = input.files?.[0];
    setRun(undefined);
    setFile(undefined);
    setReadError(undefined);
    if (!chosen) return;
    if (chosen.size > MAX_FILE_BYTES) {
      setReadError({ key: 'registry.batch.file.tooLarge', values: { mb: MAX_FILE_BYTES / 1024 / 1024 } });
      return;
    }
    setReading(true);
    try {
      const bytes = await chosen.arrayBuffer();
      const sha256 = await sha256Hex(bytes);
      setFile({ name: chosen.name, sha256, csv: parseCsv(decodeText(bytes)) });
    } catch (err) {
      setReadError({ key: err instanceof InsecureContextError ? 'registry.batch.insecure' : 'registry.batch.file.unreadable' });
    } finally {
      setReading(false);
    }
  };

  const start = async () => {
    if (!type || !file || !prepared || run?.running) return;
    setFilter('all');
    setRun({ results: prepared.results.map((r) => ({ ...r })), running: true, done: false });
    await runBatch({
      type: type.type,
      fileSha256: file.sha256,
      rows: prepared.good,
      stopped: () => left.current,
      onChunk: (outcome) =>
        setRun((prev) => prev && { ...prev, results: prev.results.map((r) => (outcome.has(r.line) ? { ...r, ...outcome.get(r.line) } : r)) }),
    });
    setRun((prev) => prev && { ...prev, running: false, done: true });
  };

  const count = (s: RowStatus) => run?.results.filter((r) => r.status === s).length ?? 0;
  const settled = run ? run.results.filter((r) => r.status !== 'pending').length : 0;
  const total = run?.results.length ?? 0;

  const resultsCsv = useMemo(() => {
    if (!run?.done) return undefined;
    return toCsv(
      [t('registry.batch.col.line'), 'id', t('registry.batch.col.status'), t('registry.batch.col.reason')],
      run.results.map((r) => [r.line, r.id ?? '', t(`registry.batch.status.${r.status}`), reasonOf(i18n, r)]),
    );
  }, [run, lang]);
  const resultsUrl = useBlobUrl(resultsCsv);
  const templateUrl = useBlobUrl(useMemo(() => (type ? toCsv(templateColumns(type), []) : undefined), [type]));

  const shown = (run?.results ?? []).filter((r) => filter === 'all' || (filter === 'failed' ? r.status === 'failed' : r.status === 'issued' || r.status === 'already'));

  if (props.types.length === 0) return <p class="state state-empty" data-testid="empty">{t('registry.batch.noTypes')}</p>;

  return (
    <>
      <div class="card">
        <form noValidate onSubmit={(e) => e.preventDefault()}>
          <div class="field-row">
            <Field fieldKey="batch.type" label={t('registry.issue.type')} required>
              <select
                {...describe('batch.type', {})}
                value={typeId}
                disabled={run?.running}
                onChange={(e) => {
                  setTypeId(e.currentTarget.value);
                  setRun(undefined);
                }}
                data-testid="batch-type"
              >
                <option value="">{t('registry.choose')}</option>
                {props.types.map((x) => (
                  <option key={x.type} value={x.type}>
                    {titleIn(x.title, lang)}
                  </option>
                ))}
              </select>
            </Field>
            <Field fieldKey="batch.file" label={t('registry.batch.file')} required hint={t('registry.batch.fileHint')} error={readError && t(readError.key, readError.values)}>
              <input
                {...describe('batch.file', { hint: true, error: readError !== undefined })}
                type="file"
                accept=".csv,text/csv"
                disabled={run?.running}
                onChange={(e) => void chooseFile(e.currentTarget)}
                data-testid="batch-file"
              />
            </Field>
          </div>
          {type && (
            <p class="hint">
              {t('registry.batch.columns', { columns: templateColumns(type).join(', ') })}{' '}
              {templateUrl && (
                <a href={templateUrl} download={`${type.type}-template.csv`} data-testid="batch-template">
                  {t('registry.batch.template')}
                </a>
              )}
            </p>
          )}
        </form>
        {reading && <p class="state state-loading" role="status">{t('registry.batch.reading')}</p>}
        {problem && (
          <p class="form-error" role="alert" data-testid="batch-file-error">
            {fileProblemText(i18n, problem)}
          </p>
        )}
        {prepared && file && (
          <div class="batch-preview" data-testid="batch-preview" data-rows={prepared.results.length} data-good={prepared.good.length} data-bad={badRows.length}>
            <p>
              {t('registry.batch.preview', { file: file.name, rows: prepared.results.length, good: prepared.good.length, bad: badRows.length })}
            </p>
            {badRows.length > 0 && !run && (
              <div class="table-wrap" tabIndex={0} role="region" aria-label={t('registry.batch.badRows')}>
                <table>
                  <caption class="visually-hidden">{t('registry.batch.badRows')}</caption>
                  <thead>
                    <tr>
                      <th class="num">{t('registry.batch.col.line')}</th>
                      <th>id</th>
                      <th>{t('registry.batch.col.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {badRows.slice(0, SHOWN_ROWS).map((r) => (
                      <tr key={r.line} data-testid="batch-row-error" data-line={r.line}>
                        <td class="num">{r.line}</td>
                        <td class="mono">{r.id ?? ''}</td>
                        <td>{reasonOf(i18n, r)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <div class="toolbar">
              <button type="button" disabled={run?.running || prepared.good.length === 0} onClick={() => void start()} data-testid="batch-start">
                {run?.done ? t('registry.batch.again') : t('registry.batch.start', { n: prepared.good.length })}
              </button>
              {prepared.good.length > 0 && <span class="hint">{t('registry.batch.safeAgain')}</span>}
            </div>
          </div>
        )}
      </div>
      {run && (
        <div class="card batch-run" aria-live="polite">
          <h2>{t('registry.batch.progress')}</h2>
          <label class="visually-hidden" for="batch-progress">
            {t('registry.batch.progress')}
          </label>
          <progress id="batch-progress" max={total} value={settled} data-testid="batch-progress" />
          <p
            data-testid="batch-summary"
            data-done={run.done ? 'true' : 'false'}
            data-issued={count('issued')}
            data-already={count('already')}
            data-failed={count('failed')}
          >
            {t('registry.batch.summary', { settled, total, issued: count('issued'), already: count('already'), failed: count('failed') })}
            {run.running && ` ${t('registry.batch.chunk', { n: CHUNK_SIZE })}`}
          </p>
          {run.done && (
            <div class="toolbar">
              <label class="inline">
                {t('registry.batch.show')}{' '}
                <select value={filter} onChange={(e) => setFilter(e.currentTarget.value as typeof filter)} data-testid="batch-filter">
                  <option value="all">{t('registry.batch.filter.all')}</option>
                  <option value="failed">{t('registry.batch.filter.failed')}</option>
                  <option value="ok">{t('registry.batch.filter.ok')}</option>
                </select>
              </label>
              {resultsUrl && (
                <a class="button secondary" href={resultsUrl} download={`issue-results-${type?.type ?? 'batch'}.csv`} data-testid="batch-results-download">
                  {t('registry.batch.download')}
                </a>
              )}
            </div>
          )}
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('registry.batch.results')}>
            <table data-testid="batch-results">
              <caption class="visually-hidden">{t('registry.batch.results')}</caption>
              <thead>
                <tr>
                  <th class="num">{t('registry.batch.col.line')}</th>
                  <th>id</th>
                  <th>{t('registry.batch.col.status')}</th>
                  <th>{t('registry.batch.col.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.slice(0, SHOWN_ROWS).map((r) => (
                  <tr key={r.line} data-testid="batch-result" data-line={r.line} data-status={r.status}>
                    <td class="num">{r.line}</td>
                    <td class="mono">
                      {r.id && (r.status === 'issued' || r.status === 'already') ? <a href={`/registry/certificates/${encodeURIComponent(r.id)}`}>{r.id}</a> : (r.id ?? '')}
                    </td>
                    <td>
                      <span class={`badge ${r.status === 'failed' ? 'badge-bad' : r.status === 'pending' ? 'badge-muted' : 'badge-ok'}`}>{t(`registry.batch.status.${r.status}`)}</span>
                    </td>
                    <td>{reasonOf(i18n, r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {shown.length > SHOWN_ROWS && <p class="hint">{t('registry.batch.more', { n: SHOWN_ROWS, total: shown.length })}</p>}
        </div>
      )}
    </>
  );
}
