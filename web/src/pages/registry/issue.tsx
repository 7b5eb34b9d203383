import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { isId } from '../../../../chaincode/src/validate';
import { errorText, Show } from '../../components/state';
import { useI18n } from '../../i18n';
import { ApiError, api } from '../../lib/api';
import type { CertificateRecord, CertificateType } from '../../lib/types';
import { buildClaims, fieldsOf, formCanIssue, withOffset, type FieldSpec, type PatternCheck, type Problem } from './field-spec';
import { describe, Field, SchemaFields, without } from './form-bits';
import { checkHolder, EMPTY_HOLDER, HolderFields, type HolderEntry } from './holder';
import { loadPatternCheck } from './pattern-engine';
import { useTypes } from './types-context';
import { placeDetail, splitPlaced } from './server-errors';
import { sha256Hex } from '../../lib/hash';
import { CIVIL_MSP, problemText, randomToken, titleIn } from './words';

/** What `POST /api/v1/certificates` answers. */
interface IssueResult {
  id: string;
  credential: string;
  record: CertificateRecord;
  txId: string;
  blockNumber: number;
}

/** A calendar date from a date input as a moment in the browser's zone: the start of the day, or its last second. */
function dayBound(date: string, end: boolean): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const when = end ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59) : new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(when.getTime()) ? undefined : withOffset(when);
}

/** The field keys a server problem may land on, for this type's fields. */
function knownKeys(fields: readonly FieldSpec[]): Set<string> {
  const keys = new Set(['type', 'id', 'holder.idType', 'holder.idNumber', 'holder.name', 'validFrom', 'validUntil']);
  const add = (specs: readonly FieldSpec[]) =>
    specs.forEach((s) => {
      keys.add(`claims.${s.path}`);
      if (s.children) add(s.children);
    });
  add(fields);
  return keys;
}

/** What the top of the form says: how many fields to fix, a problem no field holds, or a failure of the call. */
type TopItem = { fix: number } | { problem: Problem } | { error: unknown };

/** Types the civil-affairs organisation may issue. */
export function issuableTypes(types: readonly CertificateType[]): CertificateType[] {
  return types.filter((t) => t.issuerMsps.includes(CIVIL_MSP));
}

/** Issue one certificate through a form generated from its type's JSON Schema. */
export function IssuePage() {
  const { t } = useI18n();
  const types = useTypes();
  return (
    <section class="page">
      <h1>{t('registry.issue.title')}</h1>
      <p class="lead">{t('registry.issue.lead')}</p>
      <Show loaded={types}>{(items) => <IssueForm types={issuableTypes(items)} />}</Show>
    </section>
  );
}

function IssueForm(props: { types: CertificateType[] }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { query, route } = useLocation();
  const [typeId, setTypeId] = useState(() => (props.types.some((x) => x.type === query.type) ? query.type : ''));
  const type = props.types.find((x) => x.type === typeId);
  const fields = useMemo(() => (type ? fieldsOf(type.schema) : []), [type]);
  const [holder, setHolder] = useState<HolderEntry>(EMPTY_HOLDER);
  const [claims, setClaims] = useState<Record<string, string>>({});
  const [certId, setCertId] = useState('');
  const [validFrom, setValidFrom] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [errors, setErrors] = useState<Record<string, Problem>>({});
  const [top, setTop] = useState<TopItem[]>([]);
  const [busy, setBusy] = useState(false);
  const [focusFirst, setFocusFirst] = useState(0);
  // One token per visit of the form: a double click or a retry of the same body meets the first answer instead of issuing twice.
  const nonce = useRef(randomToken());
  const formRef = useRef<HTMLFormElement>(null);
  // Set from the first click until the call ends, so a second click while the pattern engine loads sends nothing.
  const submitting = useRef(false);

  // The linear-time engine for schema patterns is loaded with the form, so it is there by the first submit.
  useEffect(() => {
    void loadPatternCheck();
  }, []);

  useEffect(() => {
    if (focusFirst === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusFirst]);

  // An edited field's error goes at once: it was about the old value.
  const edited = (key: string) => setErrors((e) => without(e, key));
  const editHolder = (next: HolderEntry) => {
    for (const k of ['idType', 'idNumber', 'name'] as const) if (next[k] !== holder[k]) edited(k === 'idType' ? 'holder.idNumber' : `holder.${k}`);
    setHolder(next);
  };

  const chooseType = (next: string) => {
    setTypeId(next);
    setClaims({});
    setErrors({});
    setTop([]);
  };

  const validate = (patterns: PatternCheck | undefined): { body?: Record<string, unknown>; problems: Record<string, Problem> } => {
    const problems: Record<string, Problem> = {};
    if (!type) {
      problems.type = { key: 'required' };
      return { problems };
    }
    const h = checkHolder(holder, { nameRequired: true });
    Object.assign(problems, h.problems);
    const built = buildClaims(fields, claims, patterns);
    for (const [path, p] of Object.entries(built.problems)) problems[`claims.${path}`] = p;
    const id = certId.trim();
    if (id !== '' && !isId(id)) problems.id = { key: 'id' };
    const from = validFrom === '' ? undefined : dayBound(validFrom, false);
    const until = validUntil === '' ? undefined : dayBound(validUntil, true);
    if (validFrom !== '' && from === undefined) problems.validFrom = { key: 'date' };
    if (validUntil !== '' && until === undefined) problems.validUntil = { key: 'date' };
    if (until !== undefined && Date.parse(until) <= (from === undefined ? Date.now() : Date.parse(from))) problems.validUntil = { key: 'validUntilOrder' };
    if (Object.keys(problems).length > 0) return { problems };
    const body: Record<string, unknown> = {
      type: type.type,
      holder: { idType: holder.idType, idNumber: h.idNumber, name: holder.name.trim() },
      claims: built.claims,
    };
    if (id !== '') body.id = id;
    if (from !== undefined) body.validFrom = from;
    if (until !== undefined) body.validUntil = until;
    return { body, problems };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || submitting.current) return;
    submitting.current = true;
    try {
      await send();
    } finally {
      submitting.current = false;
    }
  };

  const send = async () => {
    const { body, problems } = validate(await loadPatternCheck());
    setErrors(problems);
    if (!body) {
      setTop([{ fix: Object.keys(problems).length }]);
      setFocusFirst((n) => n + 1);
      return;
    }
    setTop([]);
    setBusy(true);
    try {
      const headers: Record<string, string> = {};
      try {
        headers['Idempotency-Key'] = `portal-issue:${nonce.current}:${(await sha256Hex(JSON.stringify(body))).slice(0, 32)}`;
      } catch {
        // Without Web Crypto (a plain-HTTP origin) the request goes without a key; the button stays disabled while it runs.
      }
      const res = await api<IssueResult>('POST', '/api/v1/certificates', { body, headers });
      route(`/credential#vc=${res.credential}`);
    } catch (err) {
      setBusy(false);
      const placed = placeServerError(err, knownKeys(fields));
      setErrors(placed.fields);
      setTop(placed.top.length > 0 ? placed.top : [{ fix: Object.keys(placed.fields).length }]);
      setFocusFirst((n) => n + 1);
    }
  };

  const placeServerError = (err: unknown, known: Set<string>): { fields: Record<string, Problem>; top: TopItem[] } => {
    const out: Record<string, Problem> = {};
    const rest: TopItem[] = [];
    if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') {
      const split = splitPlaced(placeDetail(err.detail, 'body'), known, err.detail);
      Object.assign(out, split.fields);
      rest.push(...split.top.map((problem) => ({ problem })));
    } else if (err instanceof ApiError && err.code === 'DUPLICATE_ID') {
      out.id = { key: 'duplicateId' };
    } else {
      rest.push({ error: err });
    }
    return { fields: out, top: rest };
  };

  // Kept as data and worded at render time, so a language switch rewords them too.
  const topText = (item: TopItem): string =>
    'fix' in item ? t('registry.form.fixFields', { n: item.fix }) : 'problem' in item ? problemText(i18n, item.problem) : errorText(i18n, item.error);

  const err = (k: string) => errors[k] && problemText(i18n, errors[k]);

  if (props.types.length === 0) {
    return <p class="state state-empty" data-testid="empty">{t('registry.issue.noTypes')}</p>;
  }

  return (
    <form ref={formRef} class="card issue-form" noValidate onSubmit={submit} data-testid="issue-form">
      {top.length > 0 && (
        <div class="form-error" role="alert" data-testid="form-error">
          {top.map((item, i) => (
            <p key={i}>{topText(item)}</p>
          ))}
        </div>
      )}
      <Field fieldKey="type" label={t('registry.issue.type')} required error={err('type')}>
        <select {...describe('type', { error: !!errors.type })} value={typeId} onChange={(e) => chooseType(e.currentTarget.value)} data-testid="issue-type">
          <option value="">{t('registry.choose')}</option>
          {props.types.map((x) => (
            <option key={x.type} value={x.type}>
              {titleIn(x.title, lang)}
            </option>
          ))}
        </select>
      </Field>
      {type && !formCanIssue(fields) && (
        <p class="form-error" role="alert">
          {t('registry.issue.notIssuableHere')}
        </p>
      )}
      {type && (
        <>
          <fieldset class="subfields">
            <legend>{t('registry.issue.holder')}</legend>
            <p class="hint">{t('registry.issue.holderHint')}</p>
            <HolderFields value={holder} errors={errors} withName onChange={editHolder} testIdPrefix="holder" />
          </fieldset>
          <fieldset class="subfields" data-testid="claims-fields">
            <legend>{t('registry.issue.claims')}</legend>
            <SchemaFields
              fields={fields}
              prefix="claims"
              values={claims}
              errors={errors}
              onChange={(path, value) => {
                edited(`claims.${path}`);
                setClaims((c) => ({ ...c, [path]: value }));
              }}
            />
          </fieldset>
          <fieldset class="subfields">
            <legend>{t('registry.issue.validity')}</legend>
            <div class="field-row">
              <Field fieldKey="validFrom" label={t('registry.issue.validFrom')} hint={t('registry.issue.validFromHint')} error={err('validFrom')}>
                <input {...describe('validFrom', { hint: true, error: !!errors.validFrom })} type="date" value={validFrom} onInput={(e) => {
                    edited('validFrom');
                    setValidFrom(e.currentTarget.value);
                  }} />
              </Field>
              <Field fieldKey="validUntil" label={t('registry.issue.validUntil')} hint={t('registry.issue.validUntilHint')} error={err('validUntil')}>
                <input {...describe('validUntil', { hint: true, error: !!errors.validUntil })} type="date" value={validUntil} onInput={(e) => {
                    edited('validUntil');
                    setValidUntil(e.currentTarget.value);
                  }} />
              </Field>
            </div>
            <Field fieldKey="id" label={t('registry.issue.id')} hint={t('registry.issue.idHint')} error={err('id')}>
              <input {...describe('id', { hint: true, error: !!errors.id })} type="text" autoComplete="off" spellcheck={false} value={certId} onInput={(e) => {
                  edited('id');
                  setCertId(e.currentTarget.value);
                }} data-testid="issue-id" />
            </Field>
          </fieldset>
          <div class="toolbar">
            <button type="submit" disabled={busy} data-testid="issue-submit">
              {busy ? t('registry.issue.submitting') : t('registry.issue.submit')}
            </button>
          </div>
        </>
      )}
    </form>
  );
}
