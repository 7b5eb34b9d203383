import { Empty, Show, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import type { Project } from '../../lib/types';
import { getCharity, listProjects } from './data';
import { Figures, RaisedBar } from './figures';
import { forgetExpiredLogin } from './forms';

function ProjectCard(props: { project: Project }) {
  const { t } = useI18n();
  const p = props.project;
  return (
    <article class="card project-card" data-testid="project-card" data-id={p.id}>
      <h3>
        <a href={`/charity/projects/${encodeURIComponent(p.id)}`}>{p.title}</a>
      </h3>
      <p class="hint mono">{t('charity.project.idLine', { id: p.id })}</p>
      <RaisedBar project={p} />
      <Figures project={p} />
    </article>
  );
}

/** `/charity`: the charity the user acts for, and its projects with their money figures. */
export function Overview(props: { charityId: string }) {
  const { t } = useI18n();
  const charity = useLoad((signal) => getCharity(props.charityId, signal).catch((e: unknown) => { forgetExpiredLogin(e); throw e; }), [props.charityId]);
  const projects = useLoad((signal) => listProjects(props.charityId, signal), [props.charityId]);
  return (
    <>
      <h1 data-testid="charity-name">{charity.data?.name ?? t('charity.overview.title')}</h1>
      <Show loaded={charity}>
        {(c) => (
          <>
            <dl class="facts card" data-testid="charity-facts">
              <dt>{t('charity.facts.id')}</dt>
              <dd class="mono">{c.id}</dd>
              <dt>{t('charity.facts.creditCode')}</dt>
              <dd class="mono" data-testid="charity-credit-code">{c.creditCode}</dd>
              <dt>{t('charity.facts.publicFundraising')}</dt>
              <dd>
                {c.publicFundraising ? (
                  <span class="badge badge-ok" data-testid="public-fundraising" data-value="true">{t('charity.facts.qualified')}</span>
                ) : (
                  <span class="badge badge-muted" data-testid="public-fundraising" data-value="false">{t('charity.facts.notQualified')}</span>
                )}
              </dd>
            </dl>
          </>
        )}
      </Show>
      <div class="toolbar section-head">
        <h2>{t('charity.projects.title')}</h2>
        <a class="button secondary" href="/charity/projects/new">{t('charity.nav.create')}</a>
      </div>
      <Show loaded={projects}>
        {(items) =>
          items.length === 0 ? (
            <Empty>{t('charity.projects.empty')}</Empty>
          ) : (
            <div class="cards" data-testid="project-list">
              {items.map((p) => <ProjectCard key={p.id} project={p} />)}
            </div>
          )
        }
      </Show>
    </>
  );
}
