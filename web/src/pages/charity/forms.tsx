import { toHalfWidth } from '../../../../chaincode/src/identifiers';
export { isId } from '../../../../chaincode/src/validate';
import { MAX_AMOUNT_FEN } from '../../../../chaincode/src/models/charity';
import { ApiError } from '../../lib/api';
import { logOut } from '../../lib/session';
import { errorText } from '../../components/state';
import { fieldAria } from '../../components/field';
import { useI18n } from '../../i18n';

export { MAX_MEMO_LENGTH, MAX_PAYEE_LENGTH } from '../../../../chaincode/src/donation-input';

/**
 * Yuan as typed by a person (`1234.5`, `1,234.50`, `¥20`, full-width digits)
 * to integer fen, by string arithmetic so no float rounding creeps in.
 * Undefined for anything else, for zero, and above the ledger's 10^12 fen.
 */
export function parseYuan(text: string): number | undefined {
  const s = toHalfWidth(text).trim().replace(/^[¥￥]/, '').replace(/[,\s]/g, '');
  const m = /^(\d{1,11})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return fen >= 1 && fen <= MAX_AMOUNT_FEN ? fen : undefined;
}

/**
 * The form field a 400/422 detail is about, when it names one of `fields`:
 * the gateway's details start with the field's path (`body.amount must…`,
 * `memo contains…`, `beneficiary.idNumber is not…`).
 */
export function fieldOfError(error: unknown, fields: readonly string[]): string | undefined {
  if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 422)) return undefined;
  const m = /^(?:body\.)?([A-Za-z][\w.]*)/.exec(error.detail);
  if (!m) return undefined;
  const path = m[1];
  return [...fields].sort((a, b) => b.length - a.length).find((f) => path === f || path.startsWith(`${f}.`));
}

/** An expired login found while loading: drop the token so the page's guard asks to log in again. */
export function forgetExpiredLogin(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) logOut();
}

/** The form's error in plain words, beside its submit button. */
export function FormError(props: { error: unknown }) {
  const i18n = useI18n();
  if (props.error === undefined) return null;
  return (
    <p class="form-error" role="alert" data-testid="form-error" data-code={props.error instanceof ApiError ? props.error.code : undefined}>
      {errorText(i18n, props.error)}
    </p>
  );
}

/** The form kit's field. */
export { Field } from '../../components/field';

/** aria attributes of an input inside {@link Field}. */
export function describedBy(id: string, hint: boolean, error: string | undefined): { 'aria-describedby'?: string; 'aria-invalid'?: 'true' } {
  return fieldAria(id, hint, error !== undefined && error !== '');
}
