import type { ComponentChildren } from 'preact';
import { Route, Router, useLocation } from 'preact-iso';
import { RequireRole } from '../../components/guard';
import { useSession } from '../../components/session-context';
import { useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import { hasRole } from '../../lib/session';
import type { CertificateType } from '../../lib/types';
import { BatchPage } from './batch';
import { CertificatePage } from './certificate';
import { CharitiesPage } from './charities';
import { IssuePage } from './issue';
import { SearchPage } from './search';
import { TypesContext } from './types-context';
import { TypesPage } from './types';
import './registry.css';

/** Who may use each part of the console; the gateway checks again on every call. */
export const PART_ROLES = {
  issue: ['issuer'],
  batch: ['issuer'],
  search: ['issuer', 'verifier'],
  types: ['registrar', 'issuer', 'verifier'],
  charities: ['registrar'],
} as const;
type Part = keyof typeof PART_ROLES;
const PARTS: readonly Part[] = ['issue', 'batch', 'search', 'types', 'charities'];

/** One part of the console, shown only to the roles that may use it. */
function Guarded(props: { part: Part; children: ComponentChildren }) {
  return (
    <RequireRole roles={PART_ROLES[props.part]} org="civil">
      {props.children}
    </RequireRole>
  );
}

function SubNav() {
  const { t } = useI18n();
  const user = useSession();
  const { path } = useLocation();
  const current = (href: string) => path === href || (href === '/registry/search' && path.startsWith('/registry/certificates/'));
  return (
    <nav class="subnav no-print" aria-label={t('registry.nav.label')} data-testid="registry-subnav">
      {PARTS.filter((p) => hasRole(user, PART_ROLES[p], 'civil')).map((p) => {
        const href = `/registry/${p}`;
        return (
          <a key={p} href={href} aria-current={current(href) ? 'page' : undefined} data-testid={`subnav-${p}`}>
            {t(`registry.nav.${p}`)}
          </a>
        );
      })}
    </nav>
  );
}

/** The console's front page: one card per part the user may use. */
function Overview() {
  const { t } = useI18n();
  const user = useSession();
  return (
    <section class="page">
      <h1>{t('registry.title')}</h1>
      <p class="lead">{t('registry.lead')}</p>
      <div class="cards">
        {PARTS.filter((p) => hasRole(user, PART_ROLES[p], 'civil')).map((p) => (
          <a key={p} class="card card-link" href={`/registry/${p}`}>
            <h2>{t(`registry.nav.${p}`)}</h2>
            <p>{t(`registry.overview.${p}`)}</p>
          </a>
        ))}
      </div>
    </section>
  );
}

// Route components are module-level so that a re-render of the console (types reloaded) keeps each page's state.
const IssueRoute = () => <Guarded part="issue"><IssuePage /></Guarded>;
const BatchRoute = () => <Guarded part="batch"><BatchPage /></Guarded>;
const SearchRoute = () => <Guarded part="search"><SearchPage /></Guarded>;
const CertificateRoute = (p: { id: string }) => <Guarded part="search"><CertificatePage id={p.id} /></Guarded>;
const TypesRoute = () => <Guarded part="types"><TypesPage /></Guarded>;
const CharitiesRoute = () => <Guarded part="charities"><CharitiesPage /></Guarded>;

function Console() {
  const types = useLoad((signal) => api<{ items: CertificateType[] }>('GET', '/api/v1/certificate-types', { signal }).then((r) => r.items), []);
  return (
    <TypesContext.Provider value={types}>
      <div class="registry">
        <SubNav />
        <Router>
          <Route path="/" component={Overview} />
          <Route path="/issue" component={IssueRoute} />
          <Route path="/batch" component={BatchRoute} />
          <Route path="/search" component={SearchRoute} />
          <Route path="/certificates/:id" component={CertificateRoute} />
          <Route path="/types" component={TypesRoute} />
          <Route path="/charities" component={CharitiesRoute} />
          <Route default component={NotInRegistry} />
        </Router>
      </div>
    </TypesContext.Provider>
  );
}

function NotInRegistry() {
  const { t } = useI18n();
  return (
    <section class="page">
      <h1>{t('state.notFound')}</h1>
      <p>
        <a href="/registry">{t('registry.title')}</a>
      </p>
    </section>
  );
}

/** The civil-affairs registry console under /registry: issuing, finding and changing certificates, registering types and charities. */
export default function Registry() {
  return (
    <RequireRole roles={['issuer', 'registrar', 'verifier']} org="civil">
      <Console />
    </RequireRole>
  );
}
