import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { useSession } from '../../components/session-context';
import { errorText, useLoad } from '../../components/state';
import { useI18n, type I18n, type MessageKey } from '../../i18n';
import { api, ApiError, request } from '../../lib/api';
import { logIn, logOut, readClaims, type SessionUser } from '../../lib/session';
import { loadPortalInfo } from './catalog';
import './public.css';

/** The demo roles `POST /api/v1/dev/token` hands out, in the order the buttons show. */
const DEMO_ROLES = ['issuer', 'registrar', 'verifier', 'admin', 'charity', 'auditor'] as const;
type DemoRole = (typeof DEMO_ROLES)[number];

/** Where a user lands after logging in: their console. */
export function homeOf(user: SessionUser): string {
  if (user.org === 'charity') return '/charity';
  if (user.org === 'audit') return '/audit';
  return '/registry';
}

/** `next` when it is a path on this site (never `//host` or `https://…`: no open redirect). */
export function safeNext(next: string | undefined): string | undefined {
  if (next === undefined || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return undefined;
  try {
    const url = new URL(next, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : undefined;
  } catch {
    return undefined;
  }
}

/** Asks the gateway whether it accepts the token (`GET /api/v1/me`: 200, or 401/403 in plain words). */
async function confirmToken(token: string): Promise<void> {
  await request('GET', '/api/v1/me', { auth: false, redirectOnAuthError: false, headers: { Authorization: `Bearer ${token}` } });
}

type Problem = { key: MessageKey } | { error: unknown };

/** A role in plain words, or its name when the portal has none for it. */
function roleWord(has: I18n['has'], t: I18n['t'], role: string): string {
  const key = `role.${role}`;
  return has(key) ? t(key) : role;
}

/** The logged-in user in plain words, with a way out. */
function WhoIsLoggedIn(props: { user: SessionUser }) {
  const { t, has } = useI18n();
  const { user } = props;
  return (
    <div class="card" data-testid="login-current">
      <h2>{t('login.current')}</h2>
      <dl class="facts">
        <dt>{t('login.sub')}</dt>
        <dd data-testid="login-sub">{user.sub}</dd>
        <dt>{t('login.org')}</dt>
        <dd data-testid="login-org">{t(`user.org.${user.org}`)}</dd>
        <dt>{t('login.roles')}</dt>
        <dd data-testid="login-roles">{user.roles.map((r) => roleWord(has, t, r)).join('、') || '—'}</dd>
        {user.charity !== undefined && (
          <>
            <dt>{t('login.charity')}</dt>
            <dd class="mono">{user.charity}</dd>
          </>
        )}
        {user.dept !== undefined && (
          <>
            <dt>{t('login.dept')}</dt>
            <dd>{user.dept}</dd>
          </>
        )}
        {user.exp !== undefined && (
          <>
            <dt>{t('login.expires')}</dt>
            <dd>{new Date(user.exp * 1000).toLocaleString()}</dd>
          </>
        )}
      </dl>
      <div class="toolbar">
        <a class="button" href={homeOf(user)}>
          {t('login.toConsole')}
        </a>
        <button type="button" class="secondary" data-testid="login-logout" onClick={() => logOut()}>
          {t('nav.logout')}
        </button>
      </div>
    </div>
  );
}

/** Demo users, one button per role, when the gateway offers them (embedded ledger, loopback only). */
function DemoLogin(props: { onToken: (token: string) => Promise<void>; busy: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const portal = useLoad((signal) => loadPortalInfo(signal), []);
  const [error, setError] = useState<unknown>(undefined);
  if (portal.data?.demoLogin !== true) return null;
  const demo = async (role: DemoRole) => {
    setError(undefined);
    try {
      const { token } = await api<{ token: string }>('POST', '/api/v1/dev/token', { body: { role }, auth: false, redirectOnAuthError: false });
      await props.onToken(token);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div class="card" data-testid="demo-login">
      <h2>{t('login.demoTitle')}</h2>
      <p class="hint">{t('login.demoHint')}</p>
      <div class="toolbar">
        {DEMO_ROLES.map((role) => (
          <button type="button" class="secondary" key={role} data-testid={`demo-login-${role}`} disabled={props.busy} onClick={() => void demo(role)}>
            {t(`login.demo.${role}`)}
          </button>
        ))}
      </div>
      {error !== undefined && (
        <p class="form-error" role="alert">
          {errorText(i18n, error)}
        </p>
      )}
    </div>
  );
}

/**
 * `/login`: staff paste the bearer token their department's identity service
 * issued. The token is read, confirmed with the gateway, and kept in
 * sessionStorage (it dies with the tab). `?reason=expired|forbidden` says why
 * the user was sent here; `?next=` is where they were going.
 */
export default function LoginPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { query, route } = useLocation();
  const user = useSession();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const reason = query.reason === 'expired' || query.reason === 'forbidden' ? query.reason : undefined;

  const accept = async (raw: string) => {
    const candidate = raw.trim();
    const claims = readClaims(candidate);
    if (claims === undefined) {
      setProblem({ key: candidate === '' ? 'login.empty' : 'login.malformed' });
      return;
    }
    if (claims.exp !== undefined && claims.exp * 1000 <= Date.now()) {
      setProblem({ key: 'login.tokenExpired' });
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await confirmToken(candidate);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 401) setProblem({ key: 'login.rejected' });
      else if (err instanceof ApiError && err.code === 'ORG_NOT_SERVED') setProblem({ key: 'login.orgNotServed' });
      else setProblem({ error: err });
      return;
    }
    setBusy(false);
    const who = logIn(candidate);
    setToken('');
    if (who !== undefined) route(safeNext(query.next) ?? homeOf(who));
  };

  return (
    <section class="page login-page">
      <h1>{t('login.title')}</h1>
      {reason !== undefined && (
        <p class="state state-unreachable" role="alert" data-testid="login-reason">
          {t(`login.${reason}`)}
        </p>
      )}
      {user !== undefined && <WhoIsLoggedIn user={user} />}
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void accept(token);
        }}
      >
        <h2>{t(user === undefined ? 'login.withToken' : 'login.switch')}</h2>
        <div class="field">
          <label for="token-input">{t('login.tokenLabel')}</label>
          <textarea
            id="token-input"
            class="token-input"
            data-testid="token-input"
            value={token}
            spellcheck={false}
            autocomplete="off"
            aria-describedby="token-hint"
            aria-invalid={problem !== undefined ? 'true' : undefined}
            onInput={(e) => setToken((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <span class="hint" id="token-hint">
            {t('login.tokenHint')}
          </span>
        </div>
        {problem !== undefined && (
          <p class="form-error" role="alert" data-testid="login-error">
            {'key' in problem ? t(problem.key) : errorText(i18n, problem.error)}
          </p>
        )}
        <div class="toolbar">
          <button type="submit" data-testid="login-submit" disabled={busy}>
            {t('login.submit')}
          </button>
        </div>
      </form>
      <DemoLogin onToken={accept} busy={busy} />
    </section>
  );
}
