import { useState } from 'preact/hooks';
import { ID_TYPES, requirePersonDocument } from '../../../../chaincode/src/identifiers';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { Donation } from '../../lib/types';
import { Field, FormError, describedBy, fieldOfError, parseYuan } from './forms';

/** Channels offered in the form. The ledger takes any identifier; these are the ones staff meet every day. */
export const CHANNELS = ['bank-transfer', 'alipay', 'wechat-pay', 'cash', 'online-platform', 'other'] as const;

const FIELDS = ['amount', 'donor.idNumber', 'donor.idType', 'donor.name', 'donor', 'channel'] as const;
type FieldName = (typeof FIELDS)[number];

/** What `POST /api/v1/donations` answers. */
interface Recorded {
  id: string;
  donation: Donation;
  txId: string;
  blockNumber: number;
}

/** Records one donation, named (by ID document, which the gateway turns into a pseudonym) or anonymous. */
export function DonationForm(props: { projectId: string; onRecorded: () => void }) {
  const { t, money } = useI18n();
  const [anonymous, setAnonymous] = useState(false);
  const [idType, setIdType] = useState<string>('resident');
  const [idNumber, setIdNumber] = useState('');
  const [name, setName] = useState('');
  const [amount, setAmount] = useState('');
  const [channel, setChannel] = useState('');
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [failure, setFailure] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [recorded, setRecorded] = useState<Recorded | undefined>(undefined);

  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Partial<Record<FieldName, string>> = {};
    const fen = parseYuan(amount);
    if (fen === undefined) found.amount = t('charity.form.badAmount');
    if (!anonymous) {
      try {
        requirePersonDocument('donor', idType, idNumber);
      } catch {
        found['donor.idNumber'] = t(idType === 'resident' ? 'charity.form.badResidentId' : 'charity.form.badDocument');
      }
    }
    setErrors(found);
    setFailure(undefined);
    setRecorded(undefined);
    if (Object.keys(found).length > 0 || fen === undefined) return;
    const donor: Record<string, unknown> = anonymous
      ? { anonymous: true }
      : { idNumber: idNumber.trim(), ...(idType !== 'resident' ? { idType } : {}), ...(name.trim() ? { name: name.trim() } : {}) };
    setBusy(true);
    try {
      const answer = await api<Recorded>('POST', '/api/v1/donations', {
        body: { projectId: props.projectId, amount: fen, donor, ...(channel ? { channel } : {}) },
      });
      setRecorded(answer);
      setAmount('');
      setIdNumber('');
      setName('');
      props.onRecorded();
    } catch (err) {
      const field = fieldOfError(err, FIELDS);
      if (field) setErrors({ [field === 'donor' || field === 'donor.idType' ? 'donor.idNumber' : field]: t('charity.form.fieldRefused') });
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} noValidate data-testid="donation-form" aria-labelledby="donation-form-title">
      <h2 id="donation-form-title">{t('charity.donation.title')}</h2>
      <fieldset class="choice">
        <legend>{t('charity.donation.donor')}</legend>
        <label>
          <input type="radio" name="donor-kind" value="named" checked={!anonymous} onChange={() => setAnonymous(false)} data-testid="donor-named" />
          {t('charity.donation.named')}
        </label>
        <label>
          <input type="radio" name="donor-kind" value="anonymous" checked={anonymous} onChange={() => setAnonymous(true)} data-testid="donor-anonymous" />
          {t('charity.donation.anonymous')}
        </label>
      </fieldset>
      {!anonymous && (
        <div class="field-row" data-testid="donor-fields">
          <Field id="donor-id-type" label={t('charity.person.idType')}>
            <select id="donor-id-type" value={idType} onChange={(e) => setIdType(e.currentTarget.value)}>
              {ID_TYPES.map((k) => (
                <option key={k} value={k}>
                  {t(`charity.idType.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="donor-id-number" label={t('charity.person.idNumber')} hint={t('charity.person.idHint')} error={errors['donor.idNumber']}>
            <input id="donor-id-number" value={idNumber} autocomplete="off" onInput={(e) => setIdNumber(e.currentTarget.value)} {...describedBy('donor-id-number', true, errors['donor.idNumber'])} />
          </Field>
          <Field id="donor-name" label={t('charity.person.nameOptional')} hint={t('charity.person.nameHint')} error={errors['donor.name']}>
            <input id="donor-name" value={name} autocomplete="off" maxLength={200} onInput={(e) => setName(e.currentTarget.value)} {...describedBy('donor-name', true, errors['donor.name'])} />
          </Field>
        </div>
      )}
      <div class="field-row">
        <Field id="donation-amount" label={t('charity.form.amountYuan')} hint={t('charity.form.yuanHint')} error={errors.amount}>
          <input id="donation-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} {...describedBy('donation-amount', true, errors.amount)} />
        </Field>
        <Field id="donation-channel" label={t('charity.donation.channel')} error={errors.channel}>
          <select id="donation-channel" value={channel} onChange={(e) => setChannel(e.currentTarget.value)} {...describedBy('donation-channel', false, errors.channel)}>
            <option value="">{t('charity.channel.none')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`charity.channel.${c}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <FormError error={failure} />
      <div class="toolbar">
        <button type="submit" disabled={busy} data-testid="donation-submit">
          {busy ? t('charity.form.sending') : t('charity.donation.submit')}
        </button>
      </div>
      {recorded && (
        <div class="result" role="status" data-testid="donation-result" data-id={recorded.id}>
          <p>{t('charity.donation.recorded', { amount: money(recorded.donation.amount) })}</p>
          <dl class="facts">
            <dt>{t('charity.result.donationId')}</dt>
            <dd class="mono" data-testid="result-id">
              <a href={`/audit/donations/${encodeURIComponent(recorded.id)}`}>{recorded.id}</a>
            </dd>
            <dt>{t('charity.result.txId')}</dt>
            <dd class="mono" data-testid="result-tx">
              <a href={`/audit/transactions/${encodeURIComponent(recorded.txId)}`}>{recorded.txId}</a>
            </dd>
            <dt>{t('charity.result.block')}</dt>
            <dd data-testid="result-block">{recorded.blockNumber}</dd>
          </dl>
        </div>
      )}
    </form>
  );
}
