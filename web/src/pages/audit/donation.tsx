/** /audit/donations/<id>: a donation and where its money went (forward trace). */
import { useRoute } from 'preact-iso';
import { Empty, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { seg } from '../../lib/api';
import { auditGet, type DonationTrace } from './audit-api';
import { AuditShow, DonorLabel, RecipientLabel, TxRef, categoryText } from './parts';
import { ProjectName, TraceHeader } from './trace-parts';

export function DonationPage() {
  const i18n = useI18n();
  const { t, money, dateTime } = i18n;
  const { params } = useRoute();
  const id = params.id ?? '';
  const loaded = useLoad((signal) => auditGet<DonationTrace & { donation: { blockNumber?: number } }>(`/api/v1/audit/donations/${seg(id)}/trace`, signal), [id]);
  return (
    <>
      <TraceHeader title={t('audit.donation.title')} id={id} />
      <AuditShow loaded={loaded}>
        {(trace) => {
          const d = trace.donation;
          const allocated = trace.allocations.reduce((sum, a) => sum + a.amount, 0);
          return (
            <>
              <section class="card" aria-labelledby="donation-h" data-testid="donation">
                <h2 id="donation-h">{t('audit.donation.facts')}</h2>
                <dl class="facts">
                  <dt>{t('audit.col.amount')}</dt>
                  <dd data-testid="donation-amount">{money(d.amount)}</dd>
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
                  <dt>{t('audit.col.donor')}</dt>
                  <dd>
                    <DonorLabel donorRef={d.donorRef} anonymous={d.anonymous} />
                  </dd>
                  <dt>{t('audit.col.receivedAt')}</dt>
                  <dd>{dateTime(d.receivedAt)}</dd>
                  <dt>{t('audit.col.recordedAt')}</dt>
                  <dd>{dateTime(d.recordedAt)}</dd>
                  {d.channel && (
                    <>
                      <dt>{t('audit.col.channel')}</dt>
                      <dd>{d.channel}</dd>
                    </>
                  )}
                  <dt>{t('audit.col.tx')}</dt>
                  <dd>
                    <TxRef txId={d.txId} blockNumber={d.blockNumber} />
                  </dd>
                  <dt>{t('audit.donation.allocated')}</dt>
                  <dd data-testid="allocated">{money(allocated)}</dd>
                  <dt>{t('audit.col.remaining')}</dt>
                  <dd data-testid="remaining" data-fen={trace.remaining}>
                    {money(trace.remaining)}
                  </dd>
                </dl>
              </section>
              <section aria-labelledby="allocations-h">
                <h2 id="allocations-h">{t('audit.donation.allocations', { n: trace.allocations.length })}</h2>
                {trace.allocations.length === 0 ? (
                  <Empty>{t('audit.donation.noAllocations')}</Empty>
                ) : (
                  <div class="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">{t('audit.col.disbursement')}</th>
                          <th scope="col" class="num">{t('audit.col.amountFromDonation')}</th>
                          <th scope="col">{t('audit.col.category')}</th>
                          <th scope="col">{t('audit.col.recipient')}</th>
                          <th scope="col">{t('audit.col.paidAt')}</th>
                          <th scope="col">{t('audit.col.tx')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {trace.allocations.map((a) => (
                          <tr key={a.disbursementId} data-testid="allocation" data-id={a.disbursementId} data-fen={a.amount}>
                            <td>
                              <a href={`/audit/disbursements/${seg(a.disbursementId)}`} class="mono">
                                {a.disbursementId}
                              </a>
                            </td>
                            <td class="num">{money(a.amount)}</td>
                            <td>{categoryText(i18n, a.category)}</td>
                            <td>
                              <RecipientLabel beneficiaryRef={a.beneficiaryRef} payee={a.payee} />
                            </td>
                            <td>{dateTime(a.paidAt ?? a.timestamp)}</td>
                            <td>
                              <TxRef txId={a.txId} blockNumber={a.blockNumber} />
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
