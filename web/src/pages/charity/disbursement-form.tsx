import { useState } from 'preact/hooks';
import { ID_TYPES, requirePersonDocument } from '../../../../chaincode/src/identifiers';
import { DISBURSEMENT_CATEGORIES, type DisbursementCategory } from '../../../../chaincode/src/models/charity';
import { useI18n } from '../../i18n';
import { ApiError, api } from '../../lib/api';
import type { Disbursement } from '../../lib/types';
import { sha256Hex } from '../../lib/hash';
import { Field, FormError, MAX_MEMO_LENGTH, MAX_PAYEE_LENGTH, describedBy, fieldOfError, parseYuan } from './forms';

const FIELDS = ['amount', 'category', 'beneficiary.idNumber', 'beneficiary.idType', 'beneficiary.name', 'beneficiary', 'payee', 'memo', 'evidenceDigest'] as const;
type FieldName = (typeof FIELDS)[number];

/** What `POST /api/v1/disbursements` answers. */
interface Recorded {
  id: string;
  disbursement: Disbursement;
  txId: string;
  blockNumber: number;
}

/** The evidence file as the form knows it: only its name and digest; the file itself stays in the browser. */
type Evidence = { state: 'none' } | { state: 'digesting'; name: string } | { state: 'ready'; name: string; digest: string } | { state: 'failed'; name: string };

/**
 * Records a use of the project's money. The evidence (invoice, receipt) is
 * digested here with SHA-256 and only the digest goes on the ledger; which
 * donations paid for it (FIFO) comes back in the answer.
 */
export function DisbursementForm(props: { projectId: string; onRecorded: () => void }) {
  const { t, money } = useI18n();
  const [amount, setAmount] = useState('');
  const [category, setCategory] = useState<DisbursementCategory>('program');
  const [toPerson, setToPerson] = useState(false);
  const [idType, setIdType] = useState<string>('resident');
  const [idNumber, setIdNumber] = useState('');
  const [name, setName] = useState('');
  const [payee, setPayee] = useState('');
  const [memo, setMemo] = useState('');
  const [evidence, setEvidence] = useState<Evidence>({ state: 'none' });
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [failure, setFailure] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [recorded, setRecorded] = useState<Recorded | undefined>(undefined);

  const pickFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) {
      setEvidence({ state: 'none' });
      return;
    }
    setEvidence({ state: 'digesting', name: file.name });
    try {
      setEvidence({ state: 'ready', name: file.name, digest: await sha256Hex(file) });
    } catch {
      setEvidence({ state: 'failed', name: file.name });
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Partial<Record<FieldName, string>> = {};
    const fen = parseYuan(amount);
    if (fen === undefined) found.amount = t('charity.form.badAmount');
    if (toPerson) {
      try {
        requirePersonDocument('beneficiary', idType, idNumber);
      } catch {
        found['beneficiary.idNumber'] = t(idType === 'resident' ? 'charity.form.badResidentId' : 'charity.form.badDocument');
      }
    }
    if (evidence.state === 'digesting') found.evidenceDigest = t('charity.disbursement.stillDigesting');
    if (evidence.state === 'failed') found.evidenceDigest = t('charity.disbursement.digestFailed');
    setErrors(found);
    setFailure(undefined);
    setRecorded(undefined);
    if (Object.keys(found).length > 0 || fen === undefined) return;
    const body: Record<string, unknown> = { projectId: props.projectId, amount: fen, category };
    if (toPerson) body.beneficiary = { idNumber: idNumber.trim(), ...(idType !== 'resident' ? { idType } : {}), ...(name.trim() ? { name: name.trim() } : {}) };
    if (payee.trim()) body.payee = payee.trim();
    if (memo.trim()) body.memo = memo.trim();
    if (evidence.state === 'ready') body.evidenceDigest = evidence.digest;
    setBusy(true);
    try {
      const answer = await api<Recorded>('POST', '/api/v1/disbursements', { body });
      setRecorded(answer);
      setAmount('');
      setMemo('');
      props.onRecorded();
    } catch (err) {
      const field = fieldOfError(err, FIELDS);
      if (field) {
        const text = err instanceof ApiError && err.code === 'PERSONAL_DATA_REFUSED' ? t('charity.form.personalData') : t('charity.form.fieldRefused');
        setErrors({ [field === 'beneficiary' || field === 'beneficiary.idType' ? 'beneficiary.idNumber' : field]: text });
      }
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} noValidate data-testid="disbursement-form" aria-labelledby="disbursement-form-title">
      <h2 id="disbursement-form-title">{t('charity.disbursement.title')}</h2>
      <div class="field-row">
        <Field id="disbursement-amount" label={t('charity.form.amountYuan')} hint={t('charity.form.yuanHint')} error={errors.amount}>
          <input id="disbursement-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} {...describedBy('disbursement-amount', true, errors.amount)} />
        </Field>
        <Field id="disbursement-category" label={t('charity.disbursement.category')} hint={t('charity.disbursement.categoryHint')} error={errors.category}>
          <select id="disbursement-category" value={category} onChange={(e) => setCategory(e.currentTarget.value as DisbursementCategory)} {...describedBy('disbursement-category', true, errors.category)}>
            {DISBURSEMENT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`charity.category.${c}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field id="disbursement-payee" label={t('charity.disbursement.payee')} hint={t('charity.disbursement.payeeHint')} error={errors.payee}>
        <input id="disbursement-payee" value={payee} maxLength={MAX_PAYEE_LENGTH} onInput={(e) => setPayee(e.currentTarget.value)} {...describedBy('disbursement-payee', true, errors.payee)} />
      </Field>
      <div class="field checkbox-field">
        <label>
          <input type="checkbox" checked={toPerson} onChange={(e) => setToPerson(e.currentTarget.checked)} data-testid="beneficiary-toggle" />
          {t('charity.disbursement.toPerson')}
        </label>
      </div>
      {toPerson && (
        <div class="field-row" data-testid="beneficiary-fields">
          <Field id="beneficiary-id-type" label={t('charity.person.idType')}>
            <select id="beneficiary-id-type" value={idType} onChange={(e) => setIdType(e.currentTarget.value)}>
              {ID_TYPES.map((k) => (
                <option key={k} value={k}>
                  {t(`charity.idType.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="beneficiary-id-number" label={t('charity.person.idNumber')} hint={t('charity.person.idHint')} error={errors['beneficiary.idNumber']}>
            <input id="beneficiary-id-number" value={idNumber} autocomplete="off" onInput={(e) => setIdNumber(e.currentTarget.value)} {...describedBy('beneficiary-id-number', true, errors['beneficiary.idNumber'])} />
          </Field>
          <Field id="beneficiary-name" label={t('charity.person.nameOptional')} hint={t('charity.person.nameHint')} error={errors['beneficiary.name']}>
            <input id="beneficiary-name" value={name} autocomplete="off" maxLength={200} onInput={(e) => setName(e.currentTarget.value)} {...describedBy('beneficiary-name', true, errors['beneficiary.name'])} />
          </Field>
        </div>
      )}
      <Field id="disbursement-memo" label={t('charity.disbursement.memo')} hint={t('charity.disbursement.memoHint', { max: MAX_MEMO_LENGTH })} error={errors.memo}>
        <textarea id="disbursement-memo" class="memo" rows={3} value={memo} maxLength={MAX_MEMO_LENGTH} onInput={(e) => setMemo(e.currentTarget.value)} {...describedBy('disbursement-memo', true, errors.memo)} />
      </Field>
      <Field id="evidence-file" label={t('charity.disbursement.evidence')} hint={t('charity.disbursement.evidenceHint')} error={errors.evidenceDigest}>
        <input id="evidence-file" type="file" data-testid="evidence-file" onChange={(e) => void pickFile(e.currentTarget)} {...describedBy('evidence-file', true, errors.evidenceDigest)} />
      </Field>
      {evidence.state === 'digesting' && <p class="hint" role="status">{t('charity.disbursement.digesting', { name: evidence.name })}</p>}
      {evidence.state === 'ready' && (
        <p class="evidence-digest" role="status">
          {t('charity.disbursement.digestOf', { name: evidence.name })}
          <br />
          <code class="mono" data-testid="evidence-digest">
            {evidence.digest}
          </code>
        </p>
      )}
      <FormError error={failure} />
      <div class="toolbar">
        <button type="submit" disabled={busy} data-testid="disbursement-submit">
          {busy ? t('charity.form.sending') : t('charity.disbursement.submit')}
        </button>
      </div>
      {recorded && (
        <div class="result" role="status" data-testid="disbursement-result" data-id={recorded.id}>
          <p>{t('charity.disbursement.recorded', { amount: money(recorded.disbursement.amount), category: t(`charity.category.${recorded.disbursement.category}`) })}</p>
          <dl class="facts">
            <dt>{t('charity.result.disbursementId')}</dt>
            <dd class="mono" data-testid="result-id">
              {recorded.id}
            </dd>
            <dt>{t('charity.result.txId')}</dt>
            <dd class="mono" data-testid="result-tx">
              <a href={`/audit/transactions/${encodeURIComponent(recorded.txId)}`}>{recorded.txId}</a>
            </dd>
            <dt>{t('charity.result.block')}</dt>
            <dd data-testid="result-block">{recorded.blockNumber}</dd>
          </dl>
          <h3>{t('charity.disbursement.sources')}</h3>
          <p class="hint">{t('charity.disbursement.sourcesHint')}</p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('charity.result.donationId')}</th>
                  <th scope="col" class="num">{t('charity.disbursement.sourceAmount')}</th>
                </tr>
              </thead>
              <tbody>
                {recorded.disbursement.sources.map((s) => (
                  <tr key={s.donationId} data-testid="disbursement-source" data-donation={s.donationId} data-fen={s.amount}>
                    <td class="mono">
                      <a href={`/audit/donations/${encodeURIComponent(s.donationId)}`}>{s.donationId}</a>
                    </td>
                    <td class="num">{money(s.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <a href={`/audit/disbursements/${encodeURIComponent(recorded.id)}`} data-testid="trace-link">
              {t('charity.disbursement.traceLink')}
            </a>
          </p>
        </div>
      )}
    </form>
  );
}
