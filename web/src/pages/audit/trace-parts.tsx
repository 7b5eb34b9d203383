/** Pieces of the trace pages: the heading with a way back, and a project shown by its title. */
import { useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { seg } from '../../lib/api';
import { auditGet, type Project } from './audit-api';

/** The page heading with the record's id and a link back to the charities. */
export function TraceHeader(props: { title: string; id: string }) {
  const { t } = useI18n();
  return (
    <>
      <p class="no-print">
        <a href="/audit">{t('audit.backToList')}</a>
      </p>
      <h1>
        {props.title} <span class="mono heading-id">{props.id}</span>
      </h1>
    </>
  );
}

/** A project's title (its id while loading or when it cannot be read). */
export function ProjectName(props: { projectId: string }) {
  const loaded = useLoad((signal) => auditGet<Project>(`/api/v1/projects/${seg(props.projectId)}`, signal), [props.projectId]);
  return (
    <span>
      {loaded.data?.title ?? ''} <span class="mono">{props.projectId}</span>
    </span>
  );
}
