import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { I18nProvider, useI18n, withWords } from './i18n';
import { SessionProvider, useSession } from './components/session-context';
import { setAuthRedirect } from './lib/api';
import { hasRole, logOut } from './lib/session';
import { Home } from './pages/public/home';
import { NotFound } from './pages/not-found';

// Each area is its own chunk, and its words load with it: the public verify page downloads neither the
// audit charts nor the consoles' words.
const Verify = lazy(withWords(['public'], () => import('./pages/public/verify')));
const Credential = lazy(withWords(['public'], () => import('./pages/public/credential')));
const ShortLink = lazy(withWords(['public'], () => import('./pages/public/short-link')));
const Docs = lazy(withWords(['public'], () => import('./pages/public/docs')));
const Login = lazy(withWords(['public'], () => import('./pages/public/login')));
const Registry = lazy(withWords(['registry'], () => import('./pages/registry')));
const Charity = lazy(withWords(['charity'], () => import('./pages/charity')));
const Audit = lazy(withWords(['audit'], () => import('./pages/audit')));

/** Sends a 401/403 from the API to the login page, with the reason in the query. */
function AuthRedirects() {
  const { route } = useLocation();
  useEffect(() => {
    setAuthRedirect((reason) => {
      if (location.pathname === '/login') return;
      route(`/login?reason=${reason}&next=${encodeURIComponent(location.pathname + location.search)}`);
    });
  }, [route]);
  return null;
}

function Header() {
  const { t, lang, setLang } = useI18n();
  const user = useSession();
  const { path } = useLocation();
  const link = (href: string, label: string) => (
    <a href={href} aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <header class="site-header">
      <a class="brand" href="/">
        <span class="brand-mark" aria-hidden="true">证</span>
        <span class="brand-name">{t('app.short')}</span>
      </a>
      <nav aria-label={t('nav.menu')}>
        {link('/verify', t('nav.verify'))}
        {hasRole(user, ['issuer', 'registrar', 'verifier'], 'civil') && link('/registry', t('nav.registry'))}
        {hasRole(user, ['charity'], 'charity') && link('/charity', t('nav.charity'))}
        {hasRole(user, ['auditor'], 'audit') && link('/audit', t('nav.audit'))}
        {link('/docs', t('nav.docs'))}
      </nav>
      <div class="header-tools">
        {user ? (
          <span class="who" data-testid="who">
            <span class="who-name">{user.sub}</span>
            <span class="who-org">{t(`user.org.${user.org}`)}</span>
            <button type="button" class="link" data-testid="logout" onClick={() => logOut()}>
              {t('nav.logout')}
            </button>
          </span>
        ) : (
          link('/login', t('nav.login'))
        )}
        <button
          type="button"
          class="lang-toggle"
          data-testid="lang-toggle"
          lang={lang === 'zh-CN' ? 'en' : 'zh-CN'}
          title={t('lang.switchLabel')}
          onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
        >
          {t('lang.switch')}
        </button>
      </div>
    </header>
  );
}

function Footer() {
  const { t } = useI18n();
  return (
    <footer class="site-footer">
      <span>{t('app.name')}</span>
    </footer>
  );
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <LocationProvider>
          <AuthRedirects />
          <Header />
          <main id="main">
            <ErrorBoundary>
              <Router>
                <Route path="/" component={Home} />
                <Route path="/verify" component={Verify} />
                <Route path="/credential" component={Credential} />
                <Route path="/v/:id" component={ShortLink} />
                <Route path="/docs" component={Docs} />
                <Route path="/login" component={Login} />
                <Route path="/registry/*" component={Registry} />
                <Route path="/registry" component={Registry} />
                <Route path="/charity/*" component={Charity} />
                <Route path="/charity" component={Charity} />
                <Route path="/audit/*" component={Audit} />
                <Route path="/audit" component={Audit} />
                <Route default component={NotFound} />
              </Router>
            </ErrorBoundary>
          </main>
          <Footer />
        </LocationProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
