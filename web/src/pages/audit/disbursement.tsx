/** /audit/disbursements/<id>: a disbursement and whose money paid for it (backward trace). */
import { useRoute } from 'preact-iso';
import { Empty, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { seg } from '../../lib/api';
import { auditGet, type DisbursementTrace } from './audit-api';
import { AuditShow, DonorLabel, RecipientLabel, TxRef, categoryText } from './parts';
import { ProjectName, TraceHeader } from './trace-parts';

export function DisbursementPage() {
  const i18n = useI18n();
  const { t, money, dateTime } = i18n;
  const { params } = useRoute();
  const id = params.id ?? '';
  const loaded = useLoad(
    (signal) => auditGet<DisbursementTrace & { disbursement: { blockNumber?: number } }>(`/api/v1/audit/disbursements/${seg(id)}/trace`, signal),
    [id],
  );
  return (
    <>
      <TraceHeader title={t('audit.disbursement.title')} id={id} />
      <AuditShow loaded={loaded}>
        {(trace) => {
          const d = trace.disbursement;
          return (
            <>
              <section class="card" aria-labelledby="disbursement-h" data-testid="disbursement">
                <h2 id="disbursement-h">{t('audit.disbursement.facts')}</h2>
                <dl class="facts">
                  <dt>{t('audit.col.amount')}</dt>
                  <dd data-testid="disbursement-amount">{money(d.amount)}</dd>
                  <dt>{t('audit.col.category')}</dt>
                  <dd>{categoryText(i18n, d.category)}</dd>
                  <dt>{t('audit.col.recipient')}</dt>
                  <dd>
                    <RecipientLabel beneficiaryRef={d.beneficiaryRef} payee={d.payee} />
                  </dd>
                  <dt>{t('audit.col.project')}</dt>
                  <dd>
                    <ProjectName projectId={d.projectId} />
                  </dd>
                  <dt>{t('audit.col.charity')}</dt>
                  <dd>
                    <a href={`/audit/charities/${seg(d.charityId)}?year=${d.year}`} class="mono">
                      {d.charityId}
                    </a>
                  </dd>
                  <dt>{t('audit.col.paidAt')}</dt>
                  <dd>{dateTime(d.paidAt)}</dd>
                  <dt>{t('audit.col.recordedAt')}</dt>
                  <dd>{dateTime(d.recordedAt)}</dd>
                  {d.memo && (
                    <>
                      <dt>{t('audit.col.memo')}</dt>
                      <dd>{d.memo}</dd>
                    </>
                  )}
                  {d.evidenceDigest && (
                    <>
                      <dt>{t('audit.col.evidence')}</dt>
                      <dd class="mono">{d.evidenceDigest}</dd>
                    </>
                  )}
                  <dt>{t('audit.col.tx')}</dt>
                  <dd>
                    <TxRef txId={d.txId} blockNumber={d.blockNumber} />
                  </dd>
                </dl>
              </section>
              <section aria-labelledby="sources-h">
                <h2 id="sources-h">{t('audit.disbursement.sources', { n: trace.sources.length })}</h2>
                <p class="hint">{t('audit.disbursement.fifo')}</p>
                {trace.sources.length === 0 ? (
                  <Empty />
                ) : (
                  <div class="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">{t('audit.col.donation')}</th>
                          <th scope="col" class="num">{t('audit.col.amountFromDonation')}</th>
                          <th scope="col">{t('audit.col.donor')}</th>
                          <th scope="col">{t('audit.col.receivedAt')}</th>
                          <th scope="col">{t('audit.col.tx')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {trace.sources.map((s) => (
                          <tr key={s.donationId} data-testid="source" data-id={s.donationId} data-fen={s.amount}>
                            <td>
                              <a href={`/audit/donations/${seg(s.donationId)}`} class="mono">
                                {s.donationId}
                              </a>
                            </td>
                            <td class="num">{money(s.amount)}</td>
                            <td>
                              <DonorLabel donorRef={s.donorRef} anonymous={s.anonymous} />
                            </td>
                            <td>{dateTime(s.receivedAt)}</td>
                            <td>
                              <TxRef txId={s.txId} blockNumber={s.blockNumber} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
            </>
          );
        }}
      </AuditShow>
    </>
  );
}
