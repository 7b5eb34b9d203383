/** The person a certificate names: kind of document, its number and (when issuing) the name. */
import { ID_TYPES, requirePersonDocument } from '../../../../chaincode/src/identifiers';
import { useI18n } from '../../i18n';
import type { Problem } from './field-spec';
import { describe, Field } from './form-bits';
import { problemText } from './words';

/** What the holder inputs hold. */
export interface HolderEntry {
  idType: string;
  idNumber: string;
  name: string;
}

/** A blank holder: a resident ID card, no number, no name. */
export const EMPTY_HOLDER: HolderEntry = { idType: 'resident', idNumber: '', name: '' };

/**
 * Checks the holder with the ledger's own rule (chaincode/src/identifiers.ts);
 * returns the normalised document and problems keyed `holder.<field>`.
 */
export function checkHolder(h: HolderEntry, opts: { nameRequired: boolean }): { idNumber?: string; problems: Record<string, Problem> } {
  const problems: Record<string, Problem> = {};
  let idNumber: string | undefined;
  if (h.idNumber.trim() === '') problems['holder.idNumber'] = { key: 'required' };
  else {
    try {
      idNumber = requirePersonDocument('holder', h.idType, h.idNumber).idNumber;
    } catch {
      problems['holder.idNumber'] = { key: h.idType === 'resident' ? 'idNumber' : 'documentNumber' };
    }
  }
  const name = h.name.trim();
  if (opts.nameRequired && name === '') problems['holder.name'] = { key: 'required' };
  else if ([...name].length > 200) problems['holder.name'] = { key: 'maxLength', values: { n: 200 } };
  return { idNumber, problems };
}

/** The holder inputs. `withName` adds the name (issuing); searching needs only the document. */
export function HolderFields(props: {
  value: HolderEntry;
  errors: Readonly<Record<string, Problem>>;
  withName: boolean;
  /** False where the number may be left empty (searching by type and status instead). */
  numberRequired?: boolean;
  onChange(next: HolderEntry): void;
  testIdPrefix: string;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const set = (field: keyof HolderEntry) => (e: Event) => props.onChange({ ...props.value, [field]: (e.currentTarget as HTMLInputElement).value });
  const err = (k: string) => props.errors[k] && problemText(i18n, props.errors[k]);
  return (
    <div class="field-row">
      <Field fieldKey="holder.idType" label={t('registry.holder.idType')} error={err('holder.idType')}>
        <select {...describe('holder.idType', { error: !!props.errors['holder.idType'] })} value={props.value.idType} onChange={set('idType')} data-testid={`${props.testIdPrefix}-idtype`}>
          {ID_TYPES.map((k) => (
            <option key={k} value={k}>
              {t(`registry.idType.${k}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        fieldKey="holder.idNumber"
        label={t('registry.holder.idNumber')}
        required={props.numberRequired ?? true}
        hint={props.value.idType === 'resident' ? t('registry.hint.idNumber') : t('registry.hint.documentNumber')}
        error={err('holder.idNumber')}
      >
        <input
          {...describe('holder.idNumber', { hint: true, error: !!props.errors['holder.idNumber'] })}
          type="text"
          autoComplete="off"
          spellcheck={false}
          aria-required={(props.numberRequired ?? true) ? 'true' : undefined}
          value={props.value.idNumber}
          onInput={set('idNumber')}
          data-testid={`${props.testIdPrefix}-idnumber`}
        />
      </Field>
      {props.withName && (
        <Field fieldKey="holder.name" label={t('registry.holder.name')} required error={err('holder.name')}>
          <input
            {...describe('holder.name', { error: !!props.errors['holder.name'] })}
            type="text"
            autoComplete="off"
            aria-required="true"
            value={props.value.name}
            onInput={set('name')}
            data-testid={`${props.testIdPrefix}-name`}
          />
        </Field>
      )}
    </div>
  );
}
