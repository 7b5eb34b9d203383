import { useLocation } from 'preact-iso';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Empty, Show, errorText, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { decodeCsvBytes } from '../../../../shared/csv-text';
import { listProjects } from './data';
import { CHUNK_SIZE, checkFile, outcomesCsv, sendChunks, type CheckedFile, type RowOutcome } from './csv-import';
import { sha256Hex } from '../../lib/hash';
import { Field, FormError, describedBy } from './forms';

/** The chosen file, read and checked against the chosen project. */
interface Chosen {
  name: string;
  text: string;
  sha256: string;
}

type Phase = { state: 'idle' } | { state: 'running' } | { state: 'done' } | { state: 'stopped'; error: unknown };

/** The rows of a checked file that will not be sent, as outcomes. */
function invalidOutcomes(file: CheckedFile): RowOutcome[] {
  return file.bad.map((b) => ({ line: b.line, id: b.id, status: 'invalid', problems: b.problems }));
}

/**
 * `/charity/import`: donations from a CSV file (the CLI's columns) into one
 * project, in chunks, with progress and a per-row result that can be
 * downloaded. The same file imported again records nothing twice.
 */
export function ImportDonations(props: { charityId: string }) {
  const i18n = useI18n();
  const { t, money } = i18n;
  const { query } = useLocation();
  const projects = useLoad((signal) => listProjects(props.charityId, signal), [props.charityId]);
  const [projectId, setProjectId] = useState(query.project ?? '');
  const [chosen, setChosen] = useState<Chosen | undefined>(undefined);
  const [readError, setReadError] = useState(false);
  const [phase, setPhase] = useState<Phase>({ state: 'idle' });
  const [outcomes, setOutcomes] = useState<RowOutcome[]>([]);
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const abort = useRef<AbortController | undefined>(undefined);

  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (!projectId && projects.data && projects.data.length > 0) setProjectId(projects.data[0].id);
  }, [projects.data, projectId]);

  const checked = useMemo(() => (chosen && projectId ? checkFile(chosen.text, projectId) : undefined), [chosen, projectId]);

  const pickFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    setOutcomes([]);
    setPhase({ state: 'idle' });
    setReadError(false);
    if (!file) return setChosen(undefined);
    try {
      // Excel on Chinese Windows saves GBK: read it as the registry's batch import and the CLI do.
      const [text, sha256] = await Promise.all([file.arrayBuffer().then((b) => decodeCsvBytes(b).text), sha256Hex(file)]);
      setChosen({ name: file.name, text, sha256 });
    } catch {
      setChosen(undefined);
      setReadError(true);
    }
  };

  const start = async (e: Event) => {
    e.preventDefault();
    setFormError(undefined);
    if (!projectId) return setFormError(t('charity.import.chooseProject'));
    if (!chosen || !checked) return setFormError(t('charity.import.chooseFile'));
    if (checked.fileProblem) return setFormError(t(checked.fileProblem.key, checked.fileProblem.values));
    const controller = new AbortController();
    abort.current = controller;
    let all = invalidOutcomes(checked);
    setOutcomes(all);
    setPhase({ state: 'running' });
    try {
      await sendChunks({
        file: checked,
        projectId,
        fileSha256: chosen.sha256,
        signal: controller.signal,
        onChunk: (more) => {
          all = [...all, ...more];
          setOutcomes(all);
        },
      });
      setPhase({ state: 'done' });
    } catch (err) {
      if (!controller.signal.aborted) setPhase({ state: 'stopped', error: err });
    }
  };

  const reason = (o: RowOutcome): string => {
    if (o.status === 'invalid') return o.problems.map((p) => t(p.key, p.values)).join('；');
    if (o.status === 'failed') return errorText(i18n, o.error);
    return '';
  };
  const statusText = (o: RowOutcome): string => t(`charity.import.status.${o.status}`);

  const total = checked && !checked.fileProblem ? checked.rows.length : 0;
  const counts = { recorded: 0, already: 0, invalid: 0, failed: 0, fen: 0 };
  for (const o of outcomes) {
    counts[o.status]++;
    if (o.status === 'recorded') counts.fen += o.amount;
  }
  const settled = outcomes.length;
  const sorted = useMemo(() => [...outcomes].sort((a, b) => a.line - b.line), [outcomes]);
  const downloadUrl = useMemo(() => {
    if (phase.state !== 'done' && phase.state !== 'stopped') return undefined;
    return URL.createObjectURL(new Blob(['\ufeff', outcomesCsv(outcomes, reason, statusText)], { type: 'text/csv;charset=utf-8' }));
    // `reason` and `statusText` are new closures every render; what they word changes with `i18n.lang`.
  }, [phase, outcomes, i18n.lang]);
  useEffect(() => () => (downloadUrl ? URL.revokeObjectURL(downloadUrl) : undefined), [downloadUrl]);
  const running = phase.state === 'running';

  return (
    <>
      <h1>{t('charity.import.title')}</h1>
      <p class="lead">{t('charity.import.lead')}</p>
      <Show loaded={projects}>
        {(items) =>
          items.length === 0 ? (
            <Empty>
              {t('charity.import.noProjects')} <a href="/charity/projects/new">{t('charity.nav.create')}</a>
            </Empty>
          ) : (
            <form class="card" onSubmit={start} noValidate data-testid="import-form">
              <Field id="import-project" label={t('charity.import.project')}>
                <select id="import-project" value={projectId} disabled={running} onChange={(e) => setProjectId(e.currentTarget.value)}>
                  {!items.some((p) => p.id === projectId) && <option value={projectId}>{projectId || t('charity.import.chooseProject')}</option>}
                  {items.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.title}（{p.id}）
                    </option>
                  ))}
                </select>
              </Field>
              <Field id="import-file" label={t('charity.import.file')} hint={t('charity.import.columns')} error={readError ? t('charity.import.readFailed') : undefined}>
                <input id="import-file" type="file" accept=".csv,text/csv" disabled={running} data-testid="import-file" onChange={(e) => void pickFile(e.currentTarget)} {...describedBy('import-file', true, readError ? 'x' : undefined)} />
              </Field>
              {chosen && checked && (
                <div class="import-check" data-testid="import-check" data-good={checked.good.length} data-bad={checked.bad.length}>
                  {checked.fileProblem ? (
                    <p class="field-error">{t(checked.fileProblem.key, checked.fileProblem.values)}</p>
                  ) : (
                    <p>{t('charity.import.checked', { name: chosen.name, rows: checked.rows.length, good: checked.good.length, bad: checked.bad.length, amount: money(checked.good.reduce((s, r) => s + r.amount, 0)) })}</p>
                  )}
                  <p class="hint mono">{t('charity.import.fileDigest', { digest: chosen.sha256 })}</p>
                </div>
              )}
              {formError && (
                <p class="form-error" role="alert" data-testid="form-error">
                  {formError}
                </p>
              )}
              {phase.state === 'stopped' && <FormError error={phase.error} />}
              <div class="toolbar">
                <button type="submit" disabled={running || !checked || !!checked.fileProblem} data-testid="import-submit">
                  {running ? t('charity.import.running') : t('charity.import.start', { chunk: CHUNK_SIZE })}
                </button>
              </div>
            </form>
          )
        }
      </Show>
      {phase.state !== 'idle' && (
        <section class="card" aria-labelledby="import-result-title" data-testid="import-result" data-state={phase.state}>
          <h2 id="import-result-title">{t('charity.import.result')}</h2>
          <progress data-testid="import-progress" max={Math.max(total, 1)} value={settled} data-done={settled} data-total={total} aria-label={t('charity.import.progress', { done: settled, total })} />
          <p role="status" data-testid="import-summary" data-recorded={counts.recorded} data-already={counts.already} data-invalid={counts.invalid} data-failed={counts.failed}>
            {t('charity.import.progress', { done: settled, total })}
            {' · '}
            {t('charity.import.counts', { recorded: counts.recorded, already: counts.already, invalid: counts.invalid, failed: counts.failed, amount: money(counts.fen) })}
          </p>
          {phase.state === 'done' && <p data-testid="import-done">{counts.invalid + counts.failed === 0 ? t('charity.import.allDone') : t('charity.import.someLeft')}</p>}
          {downloadUrl && (
            <p class="toolbar">
              <a class="button secondary" href={downloadUrl} download="donations-import-result.csv" data-testid="import-download">
                {t('charity.import.download')}
              </a>
              <a href={`/charity/projects/${encodeURIComponent(projectId)}`}>{t('charity.import.toProject')}</a>
            </p>
          )}
          {sorted.length > 0 && (
            <div class="table-wrap import-rows">
              <table>
                <thead>
                  <tr>
                    <th scope="col" class="num">{t('charity.import.line')}</th>
                    <th scope="col">{t('charity.import.id')}</th>
                    <th scope="col">{t('charity.import.status')}</th>
                    <th scope="col">{t('charity.import.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sorted.map((o) => (
                    <tr key={o.line} data-testid="import-row" data-line={o.line} data-status={o.status}>
                      <td class="num">{o.line}</td>
                      <td class="mono">{o.id}</td>
                      <td>
                        <span class={`badge ${o.status === 'recorded' ? 'badge-ok' : o.status === 'already' ? 'badge-muted' : 'badge-bad'}`}>{statusText(o)}</span>
                      </td>
                      <td>{reason(o)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </>
  );
}
