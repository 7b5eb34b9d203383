/** Form pieces of the registry pages: a labelled field with its hint and its error beside it, and the schema-generated claim fields. */
import type { ComponentChildren } from 'preact';
import { Field as KitField, fieldAria } from '../../components/field';
import { useI18n } from '../../i18n';
import type { FieldSpec, Problem } from './field-spec';
import { IDENTIFIER_FORMATS } from '../../../../chaincode/src/identifier-formats';
import { enumLabel, fieldLabel, problemText } from './words';

/** `record` without `key` (the same object when it has no such key, so an unchanged state does not re-render). */
export function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!Object.hasOwn(record, key)) return record;
  const rest = { ...record };
  delete rest[key];
  return rest;
}

/** The DOM id of the input for field `key` (`holder.idNumber` → `f-holder-idNumber`). */
export function inputId(key: string): string {
  return `f-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The accessibility attributes an input needs to name its hint and its error. */
export function describe(key: string, opts: { hint?: boolean; error?: boolean }): Record<string, string | undefined> {
  const id = inputId(key);
  return { id, ...fieldAria(id, !!opts.hint, !!opts.error) };
}

/** A field of the form kit, named by the request field it fills. */
export function Field(props: { fieldKey: string; label: string; required?: boolean; hint?: string; error?: string; children: ComponentChildren }) {
  const { fieldKey, ...rest } = props;
  return <KitField {...rest} id={inputId(fieldKey)} field={fieldKey} errorTestId={`field-error-${fieldKey}`} />;
}

/** The hint of a claim field: the schema's description, then its limits in plain words. */
function hintOf(i18n: ReturnType<typeof useI18n>, spec: FieldSpec): string | undefined {
  const parts: string[] = [];
  if (spec.description) parts.push(spec.description);
  const lo = spec.minimum ?? spec.exclusiveMinimum;
  const hi = spec.maximum ?? spec.exclusiveMaximum;
  if (lo !== undefined && hi !== undefined) parts.push(i18n.t('registry.hint.range', { min: lo, max: hi }));
  else if (lo !== undefined) parts.push(i18n.t('registry.hint.min', { n: lo }));
  else if (hi !== undefined) parts.push(i18n.t('registry.hint.max', { n: hi }));
  if (spec.maxLength !== undefined) parts.push(i18n.t('registry.hint.maxLength', { n: spec.maxLength }));
  if (spec.format === IDENTIFIER_FORMATS.creditCode) parts.push(i18n.t('registry.hint.creditCode'));
  if (spec.format === IDENTIFIER_FORMATS.residentId) parts.push(i18n.t('registry.hint.idNumber'));
  if (spec.kind === 'date-time') parts.push(i18n.t('registry.hint.localTime'));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The inputs of one schema (or one nested object of it). */
export interface SchemaFieldsProps {
  fields: readonly FieldSpec[];
  /** Prefix of the field keys (`claims`), so errors from the server (`claims.region`) land on their field. */
  prefix: string;
  /** Entries by field path (without the prefix). */
  values: Readonly<Record<string, string>>;
  /** Problems by field key (with the prefix). */
  errors: Readonly<Record<string, Problem>>;
  onChange(path: string, value: string): void;
}

/** The inputs generated from a claims schema: one control per property, nested objects as fieldsets. */
export function SchemaFields(props: SchemaFieldsProps) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <>
      {props.fields.map((spec) => {
        const key = `${props.prefix}.${spec.path}`;
        const label = fieldLabel(i18n, spec);
        if (spec.kind === 'object') {
          const error = props.errors[key];
          return (
            <fieldset key={key} class="subfields" data-field={key}>
              <legend>
                {label}
                {spec.required && <span class="req"> （{t('field.required')}）</span>}
              </legend>
              {spec.description && <p class="hint">{spec.description}</p>}
              {error && (
                <p class="field-error" role="alert" data-testid={`field-error-${key}`}>
                  {problemText(i18n, error)}
                </p>
              )}
              <SchemaFields {...props} fields={spec.children ?? []} />
            </fieldset>
          );
        }
        const error = props.errors[key];
        const hint = hintOf(i18n, spec);
        const value = props.values[spec.path] ?? '';
        const attrs = describe(key, { hint: hint !== undefined, error: error !== undefined });
        const onInput = (e: Event) => props.onChange(spec.path, (e.currentTarget as HTMLInputElement).value);
        let control;
        switch (spec.kind) {
          case 'enum':
          case 'boolean': {
            const options: Array<[string, string]> =
              spec.kind === 'boolean'
                ? [
                    ['true', t('registry.yes')],
                    ['false', t('registry.no')],
                  ]
                : (spec.enumValues ?? []).map((v) => [String(v), enumLabel(i18n, spec, v)]);
            control = (
              <select {...attrs} value={value} onChange={onInput} aria-required={spec.required ? 'true' : undefined}>
                <option value="">{t('registry.choose')}</option>
                {options.map(([v, text]) => (
                  <option key={v} value={v}>
                    {text}
                  </option>
                ))}
              </select>
            );
            break;
          }
          case 'date':
            control = <input {...attrs} type="date" value={value} onInput={onInput} aria-required={spec.required ? 'true' : undefined} />;
            break;
          case 'date-time':
            control = <input {...attrs} type="datetime-local" value={value} onInput={onInput} aria-required={spec.required ? 'true' : undefined} />;
            break;
          case 'integer':
          case 'number':
            control = (
              <input
                {...attrs}
                type="text"
                inputMode={spec.kind === 'integer' ? 'numeric' : 'decimal'}
                autoComplete="off"
                value={value}
                onInput={onInput}
                aria-required={spec.required ? 'true' : undefined}
              />
            );
            break;
          case 'unsupported':
            return (
              <div key={key} class="field" data-field={key}>
                <span class="label">{label}</span>
                <span class="hint">{t('registry.issue.unsupportedField')}</span>
                {error && (
                  <span class="field-error" role="alert" data-testid={`field-error-${key}`}>
                    {problemText(i18n, error)}
                  </span>
                )}
              </div>
            );
          default:
            control = <input {...attrs} type="text" autoComplete="off" value={value} onInput={onInput} aria-required={spec.required ? 'true' : undefined} />;
        }
        return (
          <Field key={key} fieldKey={key} label={label} required={spec.required} hint={hint} error={error && problemText(i18n, error)}>
            {control}
          </Field>
        );
      })}
    </>
  );
}
