import { Route, Router, useLocation } from 'preact-iso';
import { RequireRole } from '../../components/guard';
import { useSession } from '../../components/session-context';
import { useI18n } from '../../i18n';
import { NotFound } from '../not-found';
import { CreateProject } from './create-project';
import { ImportDonations } from './import-donations';
import { Overview } from './overview';
import { ProjectPage } from './project';
import './charity.css';

/** The charity console's sub-navigation; the current section is marked for screen readers too. */
function SubNav() {
  const { t } = useI18n();
  const { path } = useLocation();
  const item = (href: string, label: string, current: boolean) => (
    <a href={href} aria-current={current ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <nav class="subnav" aria-label={t('charity.nav.label')} data-testid="charity-subnav">
      {item('/charity', t('charity.nav.overview'), path === '/charity' || (path.startsWith('/charity/projects/') && path !== '/charity/projects/new'))}
      {item('/charity/projects/new', t('charity.nav.create'), path === '/charity/projects/new')}
      {item('/charity/import', t('charity.nav.import'), path === '/charity/import')}
    </nav>
  );
}

function Console() {
  const { t } = useI18n();
  const user = useSession();
  const charityId = user?.charity;
  if (!charityId) {
    return (
      <div class="state state-error" role="alert" data-testid="no-charity">
        <p>{t('charity.noCharityClaim')}</p>
      </div>
    );
  }
  return (
    <>
      <SubNav />
      <Router>
        <Route path="/" component={Overview} charityId={charityId} />
        <Route path="/projects/new" component={CreateProject} />
        <Route path="/projects/:id" component={ProjectPage} charityId={charityId} />
        <Route path="/import" component={ImportDonations} charityId={charityId} />
        <Route default component={NotFound} />
      </Router>
    </>
  );
}

/** `/charity/*`: the console of a charity's staff, acting for the charity their token names. */
export default function CharityConsole() {
  return (
    <section class="page charity-console">
      <RequireRole roles={['charity']} org="charity">
        <Console />
      </RequireRole>
    </section>
  );
}
