/** /audit/transactions/<txId>: what the ledger holds for one transaction. */
import { useRoute } from 'preact-iso';
import { Empty, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { seg } from '../../lib/api';
import { auditGet, type LedgerTransaction } from './audit-api';
import { AuditShow } from './parts';
import { TraceHeader } from './trace-parts';

export function TransactionPage() {
  const { t, has, dateTime } = useI18n();
  const { params } = useRoute();
  const txId = params.txId ?? '';
  const loaded = useLoad((signal) => auditGet<LedgerTransaction>(`/api/v1/audit/transactions/${seg(txId)}`, signal), [txId]);
  return (
    <>
      <TraceHeader title={t('audit.tx.title')} id={txId} />
      <AuditShow loaded={loaded}>
        {(tx) => {
          const fnKey = `audit.fn.${tx.function}`;
          const codeKey = `audit.validation.${tx.validationCode}`;
          const valid = tx.validationCode === 'VALID';
          return (
            <>
              <section class="card" aria-labelledby="tx-h" data-testid="transaction">
                <h2 id="tx-h">{t('audit.tx.facts')}</h2>
                <dl class="facts">
                  <dt>{t('audit.tx.block')}</dt>
                  <dd data-testid="tx-block">{tx.blockNumber}</dd>
                  <dt>{t('audit.tx.time')}</dt>
                  <dd>{dateTime(tx.timestamp)}</dd>
                  <dt>{t('audit.tx.function')}</dt>
                  <dd data-testid="tx-function">
                    {has(fnKey) ? `${t(fnKey)} ` : ''}
                    <span class="mono">{tx.contract ? `${tx.contract}:${tx.function}` : tx.function}</span>
                  </dd>
                  <dt>{t('audit.tx.validation')}</dt>
                  <dd data-testid="tx-validation" data-code={tx.validationCode}>
                    <span class={`badge ${valid ? 'badge-ok' : 'badge-bad'}`}>{has(codeKey) ? t(codeKey) : t('audit.validation.other', { code: tx.validationCode })}</span>
                  </dd>
                  <dt>{t('audit.tx.creator')}</dt>
                  <dd>
                    {t('audit.tx.creatorValue', { msp: tx.creator.mspId })} <span class="mono">{tx.creator.id}</span>
                  </dd>
                  {tx.endorsers && tx.endorsers.length > 0 && (
                    <>
                      <dt>{t('audit.tx.endorsers')}</dt>
                      <dd>{tx.endorsers.join('、')}</dd>
                    </>
                  )}
                  <dt>{t('audit.tx.id')}</dt>
                  <dd class="mono">{tx.txId}</dd>
                </dl>
              </section>
              <section aria-labelledby="writes-h">
                <h2 id="writes-h">{t('audit.tx.writes', { n: tx.writes.length })}</h2>
                {tx.writes.length === 0 ? (
                  <Empty>{t('audit.tx.noWrites')}</Empty>
                ) : (
                  <ul class="writes" data-testid="tx-writes">
                    {tx.writes.map((k) => (
                      <li key={k} class="mono">
                        {k}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </>
          );
        }}
      </AuditShow>
    </>
  );
}
