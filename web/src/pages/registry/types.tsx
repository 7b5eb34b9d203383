import { useState } from 'preact/hooks';
import { isId } from '../../../../chaincode/src/validate';
import { useSession } from '../../components/session-context';
import { Empty, errorText, Show } from '../../components/state';
import { useI18n, type I18n } from '../../i18n';
import { ApiError, api } from '../../lib/api';
import { hasRole } from '../../lib/session';
import type { CertificateType } from '../../lib/types';
import { fieldsOf, type FieldSpec, type Problem } from './field-spec';
import { describe, Field, without } from './form-bits';
import { placeDetail, splitPlaced } from './server-errors';
import { useTypes } from './types-context';
import { CIVIL_MSP, CONSORTIUM_MSPS, fieldLabel, mspName, problemText, titleIn } from './words';

/** A schema to start from: one field of each common kind, with titles and hints that the issue form shows. */
export const SAMPLE_SCHEMA = JSON.stringify(
  {
    type: 'object',
    required: ['region', 'approvedOn', 'level'],
    properties: {
      region: { type: 'string', title: '所在地区', description: '区县一级，例如 上海市徐汇区', minLength: 1, maxLength: 200 },
      approvedOn: { type: 'string', format: 'date', title: '批准日期' },
      level: { type: 'integer', title: '补贴等级', minimum: 1, maximum: 4 },
      kind: { enum: ['monthly', 'one-off'], title: '发放方式' },
      note: { type: 'string', title: '备注', maxLength: 200 },
    },
    additionalProperties: false,
  },
  null,
  2,
);

/** The registered types, and (for the registrar) the form to register another. */
export function TypesPage() {
  const { t } = useI18n();
  const user = useSession();
  const types = useTypes();
  return (
    <section class="page">
      <h1>{t('registry.types.title')}</h1>
      <p class="lead">{t('registry.types.lead')}</p>
      {hasRole(user, ['registrar'], 'civil') && <TypeForm onRegistered={types.reload} />}
      <h2>{t('registry.types.list')}</h2>
      <Show loaded={types}>{(items) => (items.length === 0 ? <Empty /> : <TypeList types={items} />)}</Show>
    </section>
  );
}

function kindText(i18n: I18n, f: FieldSpec): string {
  return i18n.t(`registry.kind.${f.kind}`);
}

function FieldList(props: { fields: readonly FieldSpec[] }) {
  const i18n = useI18n();
  return (
    <ul class="field-list">
      {props.fields.map((f) => (
        <li key={f.path}>
          {fieldLabel(i18n, f)} <span class="mono muted">{f.name}</span> · {kindText(i18n, f)}
          {f.required && <> · <strong>{i18n.t('field.required')}</strong></>}
          {f.children && <FieldList fields={f.children} />}
        </li>
      ))}
    </ul>
  );
}

function TypeList(props: { types: CertificateType[] }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  return (
    <div class="cards type-list" data-testid="type-list">
      {props.types.map((x) => (
        <article key={x.type} class="card" data-testid="type-item" data-type={x.type}>
          <h3>{titleIn(x.title, lang)}</h3>
          <dl class="facts">
            <dt>{t('registry.types.id')}</dt>
            <dd class="mono">{x.type}</dd>
            <dt>{t('registry.types.issuers')}</dt>
            <dd>{x.issuerMsps.map((m) => mspName(i18n, m)).join('、')}</dd>
            {x.registeredAt && (
              <>
                <dt>{t('registry.types.registeredAt')}</dt>
                <dd>{i18n.dateTime(x.registeredAt)}</dd>
              </>
            )}
          </dl>
          <h4>{t('registry.types.fields')}</h4>
          <FieldList fields={fieldsOf(x.schema)} />
        </article>
      ))}
    </div>
  );
}

const FORM_FIELDS = new Set(['type', 'title', 'issuerMsps', 'schema']);

function TypeForm(props: { onRegistered(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [type, setType] = useState('');
  const [title, setTitle] = useState('');
  const [msps, setMsps] = useState<string[]>([CIVIL_MSP]);
  const [schema, setSchema] = useState(SAMPLE_SCHEMA);
  const [errors, setErrors] = useState<Record<string, Problem>>({});
  // Worded at render time, so a language switch rewords it.
  const [top, setTop] = useState<{ problems: Problem[] } | { error: unknown }>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();

  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: Record<string, Problem> = {};
    if (type.trim() === '') problems.type = { key: 'required' };
    else if (!isId(type.trim())) problems.type = { key: 'id' };
    if (title.trim() === '') problems.title = { key: 'required' };
    else if (title.length > 200) problems.title = { key: 'maxLength', values: { n: 200 } };
    if (msps.length === 0) problems.issuerMsps = { key: 'oneIssuer' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(schema);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) problems.schema = { key: 'schemaObject' };
    } catch (err) {
      problems.schema = { key: 'json', detail: err instanceof Error ? err.message : undefined };
    }
    setErrors(problems);
    setDone(undefined);
    setTop(undefined);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const body = { type: type.trim(), title: title.trim(), issuerMsps: msps, schema: parsed };
      await api('POST', '/api/v1/certificate-types', { body });
      setDone(body.type);
      setType('');
      setTitle('');
      props.onRegistered();
    } catch (err) {
      const placed: Record<string, Problem> = {};
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') {
        const split = splitPlaced(placeDetail(err.detail, ''), FORM_FIELDS, err.detail);
        Object.assign(placed, split.fields);
        if (split.top.length > 0) setTop({ problems: split.top });
      } else if (err instanceof ApiError && err.code === 'DUPLICATE_ID') placed.type = { key: 'duplicateType' };
      else if (err instanceof ApiError && err.code === 'PERSONAL_DATA_REFUSED' && err.detail.startsWith('title ')) placed.title = { key: 'personalData' };
      else setTop({ error: err });
      setErrors(placed);
    } finally {
      setBusy(false);
    }
  };

  const err = (k: string) => errors[k] && problemText(i18n, errors[k]);
  return (
    <form class="card" noValidate onSubmit={submit} data-testid="type-form">
      <h2>{t('registry.types.register')}</h2>
      {done && (
        <p class="notice" role="status" data-testid="type-registered">
          {t('registry.types.registered', { type: done })}
        </p>
      )}
      {top && (
        <p class="form-error" role="alert" data-testid="form-error">
          {'problems' in top ? top.problems.map((p) => problemText(i18n, p)).join(' ') : errorText(i18n, top.error)}
        </p>
      )}
      <div class="field-row">
        <Field fieldKey="type" label={t('registry.types.id')} required hint={t('registry.types.idHint')} error={err('type')}>
          <input {...describe('type', { hint: true, error: !!errors.type })} type="text" autoComplete="off" spellcheck={false} value={type} onInput={(e) => {
            setErrors((x) => without(x, 'type'));
            setType(e.currentTarget.value);
          }} data-testid="type-id" />
        </Field>
        <Field fieldKey="title" label={t('registry.types.titleField')} required hint={t('registry.types.titleHint')} error={err('title')}>
          <input {...describe('title', { hint: true, error: !!errors.title })} type="text" autoComplete="off" maxLength={200} value={title} onInput={(e) => {
            setErrors((x) => without(x, 'title'));
            setTitle(e.currentTarget.value);
          }} data-testid="type-title" />
        </Field>
      </div>
      <fieldset class="subfields" data-field="issuerMsps" aria-describedby={errors.issuerMsps ? 'f-issuerMsps-error' : undefined}>
        <legend>
          {t('registry.types.issuers')}
          <span class="req"> （{t('field.required')}）</span>
        </legend>
        <div class="checks">
          {CONSORTIUM_MSPS.map((m) => (
            <label key={m} class="check">
              <input
                type="checkbox"
                checked={msps.includes(m)}
                onChange={(e) => {
                  // Read now: the event's target is gone by the time the state updater runs.
                  const on = e.currentTarget.checked;
                  setErrors((x) => without(x, 'issuerMsps'));
                  setMsps((cur) => (on ? [...cur.filter((x) => x !== m), m] : cur.filter((x) => x !== m)));
                }}
                data-testid={`type-msp-${m}`}
              />
              {mspName(i18n, m)}
            </label>
          ))}
        </div>
        {errors.issuerMsps && (
          <p class="field-error" id="f-issuerMsps-error" role="alert" data-testid="field-error-issuerMsps">
            {err('issuerMsps')}
          </p>
        )}
      </fieldset>
      <Field fieldKey="schema" label={t('registry.types.schema')} required hint={t('registry.types.schemaHint')} error={err('schema')}>
        <textarea
          {...describe('schema', { hint: true, error: !!errors.schema })}
          class="schema-text"
          spellcheck={false}
          value={schema}
          onInput={(e) => {
            setErrors((x) => without(x, 'schema'));
            setSchema(e.currentTarget.value);
          }}
          data-testid="type-schema"
        />
      </Field>
      <div class="toolbar">
        <button type="submit" disabled={busy} data-testid="type-submit">
          {t('registry.types.submit')}
        </button>
        <button type="button" class="secondary" onClick={() => setSchema(SAMPLE_SCHEMA)}>
          {t('registry.types.sample')}
        </button>
      </div>
    </form>
  );
}
