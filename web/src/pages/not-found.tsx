import { useI18n } from '../i18n';

export function NotFound() {
  const { t } = useI18n();
  return (
    <section class="page">
      <h1>{t('state.notFound')}</h1>
      <p>
        <a href="/">{t('nav.home')}</a>
      </p>
    </section>
  );
}
