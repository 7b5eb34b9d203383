import { useLocation } from 'preact-iso';
import { ErrorNotice, Show, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { getProject } from './data';
import { DisbursementForm } from './disbursement-form';
import { DonationForm } from './donation-form';
import { Figures, RaisedBar } from './figures';
import { forgetExpiredLogin } from './forms';

/** A project that cannot be shown, in plain words: another charity's project reads differently from a missing one. */
function ProjectError(props: { error: unknown; onRetry: () => void }) {
  const { t } = useI18n();
  if (props.error instanceof ApiError && props.error.code === 'FORBIDDEN') {
    return (
      <div class="state state-error" role="alert" data-testid="error" data-code="FORBIDDEN">
        <p>{t('charity.project.notYours')}</p>
      </div>
    );
  }
  if (props.error instanceof ApiError && props.error.status === 404) {
    return (
      <div class="state state-error" role="alert" data-testid="error" data-code={props.error.code}>
        <p>{t('charity.project.notFound')}</p>
      </div>
    );
  }
  return <ErrorNotice error={props.error} onRetry={props.onRetry} />;
}

/** `/charity/projects/:id`: a project's figures and the forms that record its donations and disbursements. */
export function ProjectPage(props: { charityId: string; id?: string }) {
  const { t } = useI18n();
  const { query } = useLocation();
  const projectId = props.id ?? '';
  const loaded = useLoad(
    (signal) =>
      getProject(projectId, signal).catch((e: unknown) => {
        forgetExpiredLogin(e);
        throw e;
      }),
    [projectId],
  );

  return (
    <>
      <p class="no-print">
        <a href="/charity">{t('charity.project.back')}</a>
      </p>
      <h1 data-testid="project-title">{loaded.data?.title ?? t('charity.project.title')}</h1>
      {loaded.error !== undefined ? (
        <ProjectError error={loaded.error} onRetry={loaded.reload} />
      ) : (
        <Show loaded={loaded}>
          {(p) => (
            <>
              {query.created === '1' && (
                <p class="notice" role="status" data-testid="project-created">
                  {t('charity.project.created')}
                </p>
              )}
              <section class="card" aria-labelledby="figures-title">
                <h2 id="figures-title">{t('charity.figures.title')}</h2>
                <p class="hint mono">{t('charity.project.idLine', { id: p.id })}</p>
                <RaisedBar project={p} />
                <Figures project={p} />
                <p class="hint">{t('charity.figures.count', { count: p.donationCount })}</p>
                {loaded.loading && <p class="hint" role="status">{t('charity.figures.refreshing')}</p>}
              </section>
              {p.charityId === props.charityId && (
                <div class="project-forms">
                  <DonationForm projectId={p.id} onRecorded={loaded.reload} />
                  <DisbursementForm projectId={p.id} onRecorded={loaded.reload} />
                </div>
              )}
              <p>
                <a href={`/charity/import?project=${encodeURIComponent(p.id)}`}>{t('charity.project.importLink')}</a>
              </p>
            </>
          )}
        </Show>
      )}
    </>
  );
}
