import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n';
import { hasRole, type Org } from '../lib/session';
import { useSession } from './session-context';

/** Renders its children only for a logged-in user with one of `roles`; otherwise says why, with a way to log in. */
export function RequireRole(props: { roles: readonly string[]; org?: Org; children: ComponentChildren }) {
  const { t } = useI18n();
  const user = useSession();
  if (user === undefined) {
    return (
      <div class="state state-error" role="alert" data-testid="need-login">
        <p>{t('state.needLogin')}</p>
        <a class="button" href={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>
          {t('nav.login')}
        </a>
      </div>
    );
  }
  if (!hasRole(user, props.roles, props.org)) {
    return (
      <div class="state state-error" role="alert" data-testid="no-role">
        <p>{t('state.noRole')}</p>
      </div>
    );
  }
  return <>{props.children}</>;
}
