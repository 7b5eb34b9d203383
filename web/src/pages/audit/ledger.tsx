/** /audit/ledger: recompute the block chain on demand and say in plain words whether it holds. */
import { useState } from 'preact/hooks';
import { ErrorNotice } from '../../components/state';
import { useI18n, type I18n } from '../../i18n';
import { auditGet, isForbidden, type ChainCheck } from './audit-api';
import { Forbidden } from './parts';

/** A check's name in plain words; `second-peer:<MSP>` names the other org's peer that was asked. */
function checkText(t: I18n['t'], has: I18n['has'], name: string): string {
  if (name.startsWith('second-peer:')) return t('audit.check.second-peer', { msp: name.slice('second-peer:'.length) });
  const key = `audit.check.${name}`;
  return has(key) ? t(key) : name;
}

export function LedgerCheckPage() {
  const { t, has } = useI18n();
  const [state, setState] = useState<{ busy: boolean; result?: ChainCheck; error?: unknown }>({ busy: false });
  const run = async () => {
    setState({ busy: true });
    try {
      setState({ busy: false, result: await auditGet<ChainCheck>('/api/v1/audit/ledger/verify') });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  const r = state.result;
  return (
    <>
      <h1>{t('audit.ledger.title')}</h1>
      <p class="lead">{t('audit.ledger.lead')}</p>
      <div class="toolbar">
        <button type="button" data-testid="ledger-verify" disabled={state.busy} aria-busy={state.busy} onClick={() => void run()}>
          {state.busy ? t('audit.ledger.busy') : t('audit.ledger.run')}
        </button>
      </div>
      {state.busy && (
        <p class="state state-loading" role="status" data-testid="loading">
          <span class="spinner" aria-hidden="true" />
          {t('audit.ledger.busyLong')}
        </p>
      )}
      {state.error !== undefined && (isForbidden(state.error) ? <Forbidden /> : <ErrorNotice error={state.error} onRetry={() => void run()} />)}
      {r && !state.busy && (
        <section class={`card ledger-result ${r.ok ? 'ok' : 'bad'}`} data-testid="ledger-result" data-ok={String(r.ok)} aria-live="polite">
          <h2>{r.ok ? t('audit.ledger.ok') : t('audit.ledger.bad', { block: r.firstBadBlock ?? '?' })}</h2>
          <dl class="facts">
            <dt>{t('audit.ledger.height')}</dt>
            <dd data-testid="ledger-height">{r.height}</dd>
            <dt>{t('audit.ledger.checked')}</dt>
            <dd data-testid="ledger-checked">{r.checkedBlocks}</dd>
            {r.firstBadBlock !== undefined && (
              <>
                <dt>{t('audit.ledger.firstBad')}</dt>
                <dd>{r.firstBadBlock}</dd>
              </>
            )}
            {r.reason && (
              <>
                <dt>{t('audit.ledger.reason')}</dt>
                <dd data-testid="ledger-reason">{r.reason}</dd>
              </>
            )}
          </dl>
          <h3>{t('audit.ledger.checks')}</h3>
          <ul class="checks" data-testid="ledger-checks">
            {(r.checks ?? []).map((c) => (
              <li key={c} data-check={c}>
                {checkText(t, has, c)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
