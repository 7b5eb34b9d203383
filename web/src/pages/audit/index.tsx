/**
 * The audit console under /audit: every charity's latest annual report, a
 * year's report with its money-flow chart, traces of single donations and
 * disbursements, ledger transactions and the chain check. Auditors see every
 * charity; a charity's own staff may audit its records (the API decides).
 */
import { Route, Router, useLocation } from 'preact-iso';
import { RequireRole } from '../../components/guard';
import { useI18n } from '../../i18n';
import { NotFound } from '../not-found';
import { CharityList } from './charities';
import { DisbursementPage } from './disbursement';
import { DonationPage } from './donation';
import { LedgerCheckPage } from './ledger';
import { useLedgerAuditor } from './parts';
import { ReportPage } from './report';
import { TransactionPage } from './transaction';
import './audit.css';

function SubNav() {
  const { t } = useI18n();
  const { path } = useLocation();
  const auditor = useLedgerAuditor();
  const onLedger = path === '/audit/ledger';
  return (
    <nav class="subnav no-print" aria-label={t('audit.subnav')}>
      <a href="/audit" aria-current={!onLedger ? 'page' : undefined}>
        {t('audit.nav.charities')}
      </a>
      {auditor && (
        <a href="/audit/ledger" aria-current={onLedger ? 'page' : undefined}>
          {t('audit.nav.ledger')}
        </a>
      )}
    </nav>
  );
}

export default function AuditArea() {
  return (
    <section class="page audit">
      <RequireRole roles={['auditor', 'charity']}>
        <SubNav />
        <Router>
          <Route path="/" component={CharityList} />
          <Route path="/charities/:id" component={ReportPage} />
          <Route path="/donations/:id" component={DonationPage} />
          <Route path="/disbursements/:id" component={DisbursementPage} />
          <Route path="/transactions/:txId" component={TransactionPage} />
          <Route path="/ledger" component={LedgerCheckPage} />
          <Route default component={NotFound} />
        </Router>
      </RequireRole>
    </section>
  );
}
