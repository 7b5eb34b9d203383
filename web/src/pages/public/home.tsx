import { useI18n } from '../../i18n';

export function Home() {
  const { t } = useI18n();
  return (
    <section class="page home">
      <h1>{t('home.title')}</h1>
      <p class="lead">{t('home.lead')}</p>
      <div class="cards">
        <a class="card card-link" href="/verify">
          <h2>{t('home.verify')}</h2>
          <p>{t('home.verifyHint')}</p>
        </a>
        <a class="card card-link" href="/login">
          <h2>{t('home.staff')}</h2>
          <p>{t('home.staffHint')}</p>
        </a>
      </div>
    </section>
  );
}
