import type { ComponentChildren } from 'preact';
import { useI18n, type I18n, type MessageKey } from '../../i18n';
import type { CertificateType, Check, Verdict } from '../../lib/types';
import type { IssuerSummary } from './catalog';
import { ClaimList } from './claims';
import { claimsOf, holderOf, issuerNameOf, titleIn, type CredentialPayload } from './credential-data';

/**
 * The gateway's check details are stable English sentences (see
 * gateway/src/domain/assess.ts). Each known one maps to a message with the
 * values it carries; a detail not listed here is shown as the gateway wrote it.
 */
const DETAILS: ReadonlyArray<[RegExp, string, readonly string[]]> = [
  [/^compact JWS, ES256, vc\+jwt$/, 'formatOk', []],
  [/^not a compact JWS$/, 'notJws', []],
  [/^header or payload is not base64url JSON$/, 'unreadable', []],
  [/^alg must be ES256, got (.*)$/, 'badAlg', ['value']],
  [/^typ must be vc\+jwt, got (.*)$/, 'badTyp', ['value']],
  [/^header kid is missing or not an identifier$/, 'badKid', []],
  [/^payload is not a JSON object$/, 'unreadable', []],
  [/^id must (start with|be) .*$/, 'badId', []],
  [/^issuer is missing$/, 'noIssuer', []],
  [/^not checked: the credential is malformed$/, 'skipMalformed', []],
  [/^not checked: the signature did not verify$/, 'skipSignature', []],
  [/^not checked: the credential is not anchored on the ledger$/, 'skipAnchor', []],
  [/^not checked: the credential did not verify$/, 'skipHolder', []],
  [/^not checked.*$/, 'skipOther', []],
  [/^signature does not verify with key (.+)$/, 'badSignature', ['kid']],
  [/^key (.+) is not in the issuer registry$/, 'unknownKey', ['kid']],
  [/^signed by (\S+) key (.+)$/, 'signedBy', ['msp', 'kid']],
  [/^credential issuer (\S+) does not own key (.+)$/, 'notKeyOwner', ['issuer', 'kid']],
  [/^key (\S+) \((\w+)\) was not valid at issuance (.+)$/, 'keyInvalidAtIssuance', ['kid', 'keyStatus', 'when']],
  [/^(\S+) is not authorised for (.+)$/, 'notAuthorised', ['msp', 'type']],
  [/^(\S+) is authorised for (\S+); key valid at issuance$/, 'authorised', ['msp', 'type']],
  [/^(\S+) does not own key (.+)$/, 'mspNotKeyOwner', ['msp', 'kid']],
  [/^no ledger record for (.+)$/, 'noRecord', ['id']],
  [/^no ledger record with this certificate number and digest$/, 'noReference', []],
  [/^a ledger record holds this digest$/, 'referenceAnchored', []],
  [/^digest does not match the ledger record$/, 'digestMismatch', []],
  [/^the ledger record names another key$/, 'otherKey', []],
  [/^digest matches the ledger record$/, 'anchored', []],
  [/^active$/, 'active', []],
  [/^(suspended|revoked)(?:: (.*))?$/, 'inactive', ['status', 'reason']],
  [/^expired at (.+)$/, 'expired', ['when']],
  [/^not valid before (.+)$/, 'notYet', ['when']],
  [/^within its validity window$/, 'withinWindow', []],
  [/^the ID number given is the holder's$/, 'holderOk', []],
  [/^the ID number given is not the holder's$/, 'holderBad', []],
];

/** A check's detail in plain words; `raw` is set when the portal has no wording for it. */
export function plainDetail(i18n: I18n, check: Check, issuers: IssuerSummary[] | undefined, types: CertificateType[] | undefined): { text: string; raw?: string } {
  for (const [pattern, key, names] of DETAILS) {
    const m = pattern.exec(check.detail);
    if (!m) continue;
    const values: Record<string, string> = {};
    names.forEach((name, i) => {
      const v = m[i + 1] ?? '';
      if (name === 'msp') values[name] = issuers?.find((x) => x.mspId === v)?.name ?? v;
      else if (name === 'type') values[name] = typeTitle(i18n, types, v);
      else if (name === 'when') values[name] = i18n.dateTime(v);
      else if (name === 'status') values[name] = word(i18n, `verify.status.${v}`, v);
      else if (name === 'keyStatus') values[name] = word(i18n, `verify.keyStatus.${v}`, v);
      else if (name === 'reason') values[name] = v === '' ? '' : reasonText(i18n, v);
      else values[name] = v;
    });
    if (key === 'inactive' && values.reason === '') return { text: i18n.t('verify.detail.inactiveNoReason', values) };
    const detail = `verify.detail.${key}`;
    if (i18n.has(detail)) return { text: i18n.t(detail, values) };
  }
  return { text: i18n.t('verify.detail.unknown'), raw: check.detail };
}

/** A status-change reason: the reason code's wording, or the clerk's free text. */
export function reasonText(i18n: I18n, reason: string): string {
  const key = `verify.reason.${reason}`;
  return i18n.has(key) ? i18n.t(key) : reason;
}

/** The title of a certificate type in the reader's language, or its id when the registry does not list it. */
export function typeTitle(i18n: I18n, types: CertificateType[] | undefined, type: string): string {
  const found = types?.find((t) => t.type === type);
  return found ? titleIn(found.title, i18n.lang) : type;
}

/** One check, with its name, the outcome and what it found, in plain words. */
function CheckRow(props: { check: Check; issuers?: IssuerSummary[]; types?: CertificateType[] }) {
  const i18n = useI18n();
  const { check } = props;
  const detail = plainDetail(i18n, check, props.issuers, props.types);
  const name = i18n.has(`verify.check.${check.name}`) ? i18n.t(`verify.check.${check.name}`) : check.name;
  return (
    <li class={`check ${check.ok ? 'check-ok' : 'check-bad'}`} data-testid={`check-${check.name}`} data-ok={String(check.ok)}>
      <span class="check-mark" aria-hidden="true">
        {check.ok ? '✓' : '✗'}
      </span>
      <span class="check-body">
        <span class="check-name">
          {name}
          <span class={`badge ${check.ok ? 'badge-ok' : 'badge-bad'}`}>{i18n.t(check.ok ? 'verify.passed' : 'verify.failed')}</span>
        </span>
        <span class="check-detail">{detail.text}</span>
        {detail.raw !== undefined && (
          <span class="check-raw mono" lang="en">
            {detail.raw}
          </span>
        )}
      </span>
    </li>
  );
}

/** The headline's explanation of a failed check: a suspended and a revoked certificate are told apart. */
function failureKey(i18n: I18n, failure: Check, status: Verdict['status']): MessageKey {
  const byStatus = `verify.fail.${status}`;
  if (failure.name === 'status' && i18n.has(byStatus)) return byStatus;
  const byName = `verify.fail.${failure.name}`;
  return i18n.has(byName) ? byName : 'verify.fail.other';
}

/** The message at a key built from data, or `fallback` when the portal has no wording for it. */
function word(i18n: I18n, key: string, fallback: string): string {
  return i18n.has(key) ? i18n.t(key) : fallback;
}

/** The first failed check: the one the headline explains. */
function firstFailure(checks: Check[]): Check | undefined {
  return checks.find((c) => !c.ok);
}

export interface VerdictViewProps {
  verdict: Verdict;
  /** `credential`: a full credential was checked; `reference`: only its ledger record (short link). */
  kind: 'credential' | 'reference';
  /** The credential's decoded payload; its claims are shown only once the verdict anchors it. */
  payload?: CredentialPayload;
  types?: CertificateType[];
  issuers?: IssuerSummary[];
  /** Shown under the facts (the short link's "claims need the full credential"). */
  children?: ComponentChildren;
}

/** A verdict as a person reads it: the outcome, every check, and the certificate's facts from the ledger. */
export function VerdictView(props: VerdictViewProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { verdict, types, issuers } = props;
  const failure = firstFailure(verdict.checks);
  const cert = verdict.certificate;
  // Only an anchored verdict vouches for the payload: a tampered one is never shown as if it were the certificate.
  const payload = cert !== undefined && props.kind === 'credential' ? props.payload : undefined;
  const type = cert ? types?.find((x) => x.type === cert.type) : undefined;
  const issuerName = cert ? (issuers?.find((x) => x.mspId === cert.issuerMsp)?.name ?? issuerNameOf(payload) ?? cert.issuerMsp) : undefined;
  const holder = holderOf(payload);
  const claims = claimsOf(payload);
  const headline = verdict.valid
    ? t(props.kind === 'credential' ? 'verify.valid' : 'verify.validRecord')
    : t(props.kind === 'credential' ? 'verify.invalid' : 'verify.invalidRecord');
  const explanation = verdict.valid
    ? t(props.kind === 'credential' ? 'verify.validHint' : 'verify.validRecordHint')
    : failure
      ? t(failureKey(i18n, failure, verdict.status))
      : '';
  return (
    <section class={`verdict ${verdict.valid ? 'verdict-valid' : 'verdict-invalid'}`} data-testid="verdict" data-valid={String(verdict.valid)} aria-labelledby="verdict-title">
      <div class="verdict-banner">
        <span class="verdict-mark" aria-hidden="true">
          {verdict.valid ? '✓' : '✗'}
        </span>
        <div>
          <h2 id="verdict-title">{headline}</h2>
          <p>{explanation}</p>
        </div>
      </div>
      <h3>{t('verify.checks')}</h3>
      <ul class="checks">
        {verdict.checks.map((c) => (
          <CheckRow key={c.name} check={c} issuers={issuers} types={types} />
        ))}
      </ul>
      {cert !== undefined && (
        <>
          <h3>{t('verify.facts')}</h3>
          <dl class="facts">
            <dt>{t('verify.type')}</dt>
            <dd data-testid="verdict-type">{typeTitle(i18n, types, cert.type)}</dd>
            <dt>{t('verify.number')}</dt>
            <dd class="mono">{cert.id}</dd>
            <dt>{t('verify.issuer')}</dt>
            <dd data-testid="verdict-issuer">{issuerName}</dd>
            {holder?.name !== undefined && (
              <>
                <dt>{t('verify.holder')}</dt>
                <dd data-testid="verdict-holder">{holder.name}</dd>
              </>
            )}
            {holder?.idNumber !== undefined && (
              <>
                <dt>{t('verify.holderId')}</dt>
                <dd class="mono">{holder.idNumber}</dd>
              </>
            )}
            <dt>{t('verify.status')}</dt>
            <dd data-testid="verdict-status">
              <StatusBadge status={verdict.status} />
              {cert.statusReason !== undefined && cert.status !== 'active' && (
                <span class="status-reason">
                  {t('verify.reasonLabel')}
                  {cert.statusReasonCode !== undefined && cert.statusReason !== cert.statusReasonCode
                    ? t('verify.reasonWithText', { code: reasonText(i18n, cert.statusReasonCode), text: cert.statusReason })
                    : reasonText(i18n, cert.statusReasonCode ?? cert.statusReason)}
                </span>
              )}
            </dd>
            <dt>{t('verify.validity')}</dt>
            <dd data-testid="verdict-validity">
              {cert.validUntil
                ? t('verify.validityRange', { from: i18n.dateTime(cert.validFrom), until: i18n.dateTime(cert.validUntil) })
                : t('verify.validityOpen', { from: i18n.dateTime(cert.validFrom) })}
            </dd>
            <dt>{t('verify.issuedAt')}</dt>
            <dd>{i18n.dateTime(cert.issuedAt)}</dd>
            {verdict.anchor !== undefined && (
              <>
                <dt>{t('verify.anchor')}</dt>
                <dd data-testid="verdict-anchor">
                  <span data-testid="verdict-block">{t('verify.block', { n: verdict.anchor.blockNumber })}</span>
                  <span class="anchor-tx">
                    {t('verify.tx')} <span class="mono">{verdict.anchor.txId}</span>
                  </span>
                </dd>
              </>
            )}
          </dl>
          {payload !== undefined && (
            <>
              <h3>{t('verify.claims')}</h3>
              <ClaimList claims={claims} schema={type?.schema} testId="verdict-claims" />
            </>
          )}
        </>
      )}
      {props.children}
    </section>
  );
}

/** A certificate's status as a coloured word. */
export function StatusBadge(props: { status: string }) {
  const i18n = useI18n();
  const cls = props.status === 'active' ? 'badge-ok' : props.status === 'suspended' || props.status === 'unknown' ? 'badge-warn' : 'badge-bad';
  return <span class={`badge ${cls}`}>{word(i18n, `verify.status.${props.status}`, props.status)}</span>;
}

/**
 * The ledger could not be reached: the credential cannot be checked now. It
 * never reads as "invalid" (verifiers act on that word, and a false one wrongs
 * the holder). `children` replaces the general sentence when a page says more.
 */
export function UnreachableNotice(props: { onRetry: () => void; testId?: string; children?: ComponentChildren }) {
  const { t } = useI18n();
  const testId = props.testId ?? 'verify-unreachable';
  return (
    <div class="state state-unreachable" role="alert" data-testid={testId}>
      <p>
        <strong>{t('verify.unreachableTitle')}</strong>
      </p>
      <p>{props.children ?? t('verify.unreachable')}</p>
      <button type="button" class="secondary" onClick={props.onRetry} data-testid={`${testId}-retry`}>
        {t('state.retry')}
      </button>
    </div>
  );
}
