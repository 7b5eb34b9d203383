import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_REASON_LENGTH, nextStatus, STATUS_ACTIONS, STATUS_REASON_CODES, type StatusAction } from '../../../../chaincode/src/lifecycle';
import type { CertificateHistoryEntry } from '../../../../chaincode/src/models';
import { useSession } from '../../components/session-context';
import { errorText, Show, useLoad } from '../../components/state';
import { useI18n, type I18n } from '../../i18n';
import { ApiError, api, seg } from '../../lib/api';
import { hasRole } from '../../lib/session';
import type { CertificateRecord } from '../../lib/types';
import { useTypes } from './types-context';
import { CIVIL_MSP, mspName, StatusBadge, typeTitle } from './words';

/** A reason (code, and the free text when it says more than the code) in plain words. */
function reasonText(i18n: I18n, code: string | undefined, text: string | undefined): string | undefined {
  const key = `registry.reason.${code}`;
  const label = code !== undefined && i18n.has(key) ? i18n.t(key) : code;
  const extra = text !== undefined && text !== code ? text : undefined;
  if (label !== undefined && extra !== undefined) return `${label}${i18n.t('registry.colon')}${extra}`;
  return label ?? extra;
}

/** A transaction creator's id (`x509::/CN=clerk-1/OU=client/…::/CN=ca…`) as the user's common name; the full id stays in the tooltip. */
function actorName(id: string): string {
  return /^x509::\/(?:[^:]*\/)?CN=([^/:]+)/.exec(id)?.[1] ?? id;
}

/** The actions the current status allows, by the ledger's own rule (chaincode/src/lifecycle.ts). */
function allowedActions(record: CertificateRecord): StatusAction[] {
  return STATUS_ACTIONS.filter((a) => {
    try {
      nextStatus(record.status, a);
      return true;
    } catch {
      return false;
    }
  });
}

/** A certificate's record in plain words, its history as a timeline, and the status changes an issuer may make. */
export function CertificatePage(props: { id: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const loaded = useLoad(
    (signal) =>
      Promise.all([
        api<CertificateRecord>('GET', `/api/v1/certificates/${seg(props.id)}`, { signal }),
        api<{ items: CertificateHistoryEntry[] }>('GET', `/api/v1/certificates/${seg(props.id)}/history`, { signal }),
      ]).then(([record, history]) => ({ record, history: history.items })),
    [props.id],
  );
  return (
    <section class="page">
      <p class="no-print">
        <a href="/registry/search">{t('registry.cert.back')}</a>
      </p>
      <Show loaded={loaded}>{(data) => <Certificate record={data.record} history={data.history} reload={loaded.reload} />}</Show>
    </section>
  );
}

function Certificate(props: { record: CertificateRecord; history: CertificateHistoryEntry[]; reload(): void }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const types = useTypes();
  const user = useSession();
  const r = props.record;
  const [action, setAction] = useState<StatusAction>();
  const [changed, setChanged] = useState<StatusAction>();
  const mayChange = hasRole(user, ['issuer'], 'civil') && r.issuerMsp === CIVIL_MSP;
  const actions = mayChange ? allowedActions(r) : [];
  const expired = r.validUntil !== undefined && Date.parse(r.validUntil) < Date.now();

  return (
    <>
      <h1>{typeTitle(types.data, r.type, lang)}</h1>
      {changed && (
        <p class="notice" role="status" data-testid="status-changed">
          {t(`registry.action.done.${changed}`)}
        </p>
      )}
      <div class="card">
        <dl class="facts" data-testid="cert-record">
          <dt>{t('registry.cert.id')}</dt>
          <dd class="mono" data-testid="cert-id">{r.id}</dd>
          <dt>{t('registry.cert.status')}</dt>
          <dd data-testid="cert-status" data-status={r.status}>
            <StatusBadge status={r.status} />
            {expired && (
              <>
                {' '}
                <span class="badge badge-muted">{t('registry.status.expired')}</span>
              </>
            )}
            {reasonText(i18n, r.statusReasonCode, r.statusReason) && (
              <span class="status-reason">
                {' '}
                {t('registry.cert.reason')}
                {t('registry.colon')}
                {reasonText(i18n, r.statusReasonCode, r.statusReason)}
              </span>
            )}
          </dd>
          <dt>{t('registry.cert.type')}</dt>
          <dd>
            {typeTitle(types.data, r.type, lang)} <span class="mono muted">({r.type})</span>
          </dd>
          <dt>{t('registry.cert.issuer')}</dt>
          <dd>{mspName(i18n, r.issuerMsp)}</dd>
          <dt>{t('registry.cert.issuedAt')}</dt>
          <dd>{i18n.dateTime(r.issuedAt)}</dd>
          <dt>{t('registry.cert.validFrom')}</dt>
          <dd>{i18n.dateTime(r.validFrom)}</dd>
          <dt>{t('registry.cert.validUntil')}</dt>
          <dd>{r.validUntil ? i18n.dateTime(r.validUntil) : t('registry.cert.noEnd')}</dd>
          <dt>{t('registry.cert.updatedAt')}</dt>
          <dd>{i18n.dateTime(r.updatedAt)}</dd>
          <dt>{t('registry.cert.digest')}</dt>
          <dd class="mono">{r.digest}</dd>
          <dt>{t('registry.cert.key')}</dt>
          <dd class="mono">{r.issuerKid}</dd>
          {r.statusList && (
            <>
              <dt>{t('registry.cert.statusList')}</dt>
              <dd>{t('registry.cert.statusListAt', { list: r.statusList.list, index: r.statusList.index })}</dd>
            </>
          )}
          <dt>{t('registry.cert.issueTx')}</dt>
          <dd class="mono">{r.issueTxId}</dd>
        </dl>
        <p class="hint">{t('registry.cert.noPersonalData')}</p>
      </div>

      {mayChange && (
        <div class="toolbar no-print" data-testid="cert-actions">
          {actions.map((a) => (
            <button key={a} type="button" class={a === 'revoke' ? 'danger' : 'secondary'} onClick={() => setAction(a)} data-testid={`action-${a}`}>
              {t(`registry.action.${a}`)}
            </button>
          ))}
          {actions.length === 0 && <p class="hint">{t('registry.action.none')}</p>}
        </div>
      )}

      <h2>{t('registry.cert.history')}</h2>
      <ol class="timeline" data-testid="cert-timeline">
        {props.history.map((h, i) => (
          <li key={`${h.txId}-${i}`} data-testid="timeline-entry" data-status={h.status}>
            <p class="timeline-head">
              <StatusBadge status={h.status} /> <strong>{i === 0 ? t('registry.cert.issued') : t(`registry.cert.became.${h.status}`)}</strong>{' '}
              <time dateTime={h.timestamp}>{i18n.dateTime(h.timestamp)}</time>
            </p>
            {reasonText(i18n, h.reasonCode, h.reason) && (
              <p>
                {t('registry.cert.reason')}
                {t('registry.colon')}
                {reasonText(i18n, h.reasonCode, h.reason)}
              </p>
            )}
            <p class="hint">
              <span title={h.actor.id}>{t('registry.cert.actor', { org: mspName(i18n, h.actor.mspId), id: actorName(h.actor.id) })}</span>
              <br />
              {t('registry.cert.tx')} <span class="mono">{h.txId}</span>
            </p>
          </li>
        ))}
      </ol>

      {action && (
        <StatusDialog
          id={r.id}
          action={action}
          onClose={() => setAction(undefined)}
          onDone={() => {
            setChanged(action);
            setAction(undefined);
            props.reload();
          }}
        />
      )}
    </>
  );
}

/** Asks for the reason and a confirmation, then changes the status. */
function StatusDialog(props: { id: string; action: StatusAction; onClose: () => void; onDone: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const ref = useRef<HTMLDialogElement>(null);
  const [code, setCode] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const reason = text.trim();
    if (code === '') return setError(t('registry.action.needCode'));
    if (code === 'other' && reason === '') return setError(t('registry.action.needText'));
    setError(undefined);
    setBusy(true);
    try {
      await api('POST', `/api/v1/certificates/${seg(props.id)}/${props.action}`, { body: reason === '' ? { reasonCode: code } : { reasonCode: code, reason } });
      ref.current?.close();
      props.onDone();
    } catch (err) {
      setBusy(false);
      // These two are fully said by their plain words; the gateway's English detail adds nothing for a clerk.
      const plainOnly = err instanceof ApiError && (err.code === 'PERSONAL_DATA_REFUSED' || err.code === 'INVALID_TRANSITION') ? err.code : undefined;
      setError(plainOnly !== undefined ? t(`error.${plainOnly}`) : errorText(i18n, err));
    }
  };

  return (
    <dialog ref={ref} aria-labelledby="status-dialog-title" onClose={props.onClose} data-testid="status-dialog">
      <form noValidate onSubmit={submit}>
        <h2 id="status-dialog-title">{t(`registry.action.${props.action}`)}</h2>
        <p>{t(`registry.action.explain.${props.action}`)}</p>
        {error && (
          <p class="form-error" role="alert" data-testid="status-error">
            {error}
          </p>
        )}
        <div class="field">
          <label for="status-reason-code">
            {t('registry.action.reasonCode')}
            <span class="req"> （{t('field.required')}）</span>
          </label>
          <select id="status-reason-code" value={code} onChange={(e) => setCode(e.currentTarget.value)} aria-required="true" data-testid="status-reason-code">
            <option value="">{t('registry.choose')}</option>
            {STATUS_REASON_CODES.map((c) => (
              <option key={c} value={c}>
                {t(`registry.reason.${c}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="status-reason-text">{t('registry.action.reasonText')}</label>
          <textarea
            id="status-reason-text"
            class="reason-text"
            maxLength={MAX_REASON_LENGTH}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            aria-describedby="status-reason-hint"
            data-testid="status-reason-text"
          />
          <span class="hint" id="status-reason-hint">
            {t('registry.action.reasonHint', { n: MAX_REASON_LENGTH, left: MAX_REASON_LENGTH - text.length })}
          </span>
        </div>
        <div class="toolbar">
          <button type="submit" class={props.action === 'revoke' ? 'danger' : undefined} disabled={busy} data-testid="status-confirm">
            {t(`registry.action.confirm.${props.action}`)}
          </button>
          <button type="button" class="secondary" onClick={() => ref.current?.close()} data-testid="status-cancel">
            {t('action.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
