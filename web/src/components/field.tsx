/**
 * The form kit: one labelled field for every form of the portal. The label
 * (with "required" when asked), the control, its hint and its error, in that
 * order, the control naming its hint and error for screen readers.
 */
import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n';

export interface FieldProps {
  /** The control's DOM id; the hint and the error take `<id>-hint` and `<id>-error`. */
  id: string;
  label: string;
  required?: boolean;
  hint?: string;
  /** The error, in the reader's words, shown beside the control. */
  error?: string;
  /** The request field this one fills (`holder.idNumber`), as `data-field`. */
  field?: string;
  /** The error's test id; `<id>-error` unless given. */
  errorTestId?: string;
  children: ComponentChildren;
}

export function Field(props: FieldProps) {
  const { t } = useI18n();
  return (
    <div class="field" data-field={props.field}>
      <label for={props.id}>
        {props.label}
        {props.required && <span class="req"> （{t('field.required')}）</span>}
      </label>
      {props.children}
      {props.hint && (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span class="field-error" id={`${props.id}-error`} role="alert" data-testid={props.errorTestId ?? `${props.id}-error`}>
          {props.error}
        </span>
      )}
    </div>
  );
}

/** The attributes a control inside {@link Field} needs to name its hint and its error. */
export function fieldAria(id: string, hint: boolean, error: boolean): { 'aria-describedby'?: string; 'aria-invalid'?: 'true' } {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { 'aria-describedby': ids || undefined, 'aria-invalid': error ? 'true' : undefined };
}
