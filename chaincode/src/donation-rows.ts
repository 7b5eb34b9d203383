/**
 * A row of a donations CSV file as a batch item of `POST /donations/batch`:
 * the one mapping that `civic donations import` and the portal's importer
 * both use, so a file reads the same in each and a row refused by one is
 * refused by the other. Each check is the ledger's own (identifiers, amounts,
 * documents, the business-date window), so a row that passes here is not
 * refused for its fields by the chaincode, and one bad row never sinks the
 * whole batch it would have travelled in.
 */
import { requireBusinessDate } from './business-date';
import { requireDateOrDateTime } from './dates';
import { CodedError } from './errors';
import { requirePersonDocument } from './identifiers';
import { MAX_AMOUNT_FEN } from './models/charity';
import { isId } from './validate';

/** Columns a donations file must have. */
export const DONATION_REQUIRED_COLUMNS = ['id', 'amount'] as const;
/** Every column a donations file may have; donor names are never taken. */
export const DONATION_COLUMNS = ['id', 'amount', 'idNumber', 'idType', 'anonymous', 'receivedAt', 'channel'] as const;
export type DonationColumn = (typeof DONATION_COLUMNS)[number];

/** Why a row cannot be sent: a stable rule, the column it is about, the cell's text, and the ledger's words (English) for it. */
export interface RowProblem {
  column: DonationColumn;
  rule: 'id' | 'amount' | 'anonymous' | 'noDonor' | 'idNumber' | 'receivedAt' | 'receivedAtWindow' | 'channel';
  value: string;
  message: string;
}

/** What a row became: its batch item (and its amount), or every problem it has. */
export type DonationRow = { ok: true; id: string; amount: number; item: Record<string, unknown> } | { ok: false; id: string; problems: RowProblem[] };

const TRUE = /^(true|yes|1)$/i;
const FALSE = /^(false|no|0)$/i;

const detailOf = (err: unknown): string => (err instanceof CodedError ? err.detail : err instanceof Error ? err.message : String(err));

/**
 * Maps one row (cells by column, already trimmed) for `projectId`. `now` is
 * the instant a `receivedAt` is checked against: not in the future, at most
 * three years back, as the ledger checks it at the transaction's time.
 *
 * An anonymous donation may carry a document number: the API checks it (so a
 * typo is refused rather than dropped) and keeps no pseudonym of it, and so
 * does this mapping.
 */
export function donationRowItem(projectId: string, values: Readonly<Record<string, string | undefined>>, now: string): DonationRow {
  const problems: RowProblem[] = [];
  const cell = (c: DonationColumn): string => values[c] ?? '';
  const id = cell('id');
  if (!isId(id)) problems.push({ column: 'id', rule: 'id', value: id, message: `id '${id}' is not an identifier (letters, digits and ._:- , up to 128 characters)` });

  let amount = 0;
  const amountText = cell('amount');
  if (!/^\d+$/.test(amountText) || Number(amountText) < 1 || Number(amountText) > MAX_AMOUNT_FEN) {
    problems.push({ column: 'amount', rule: 'amount', value: amountText, message: `amount must be whole fen from 1 to ${MAX_AMOUNT_FEN}, got '${amountText}'` });
  } else {
    amount = Number(amountText);
  }

  const anonText = cell('anonymous');
  let anonymous = false;
  if (TRUE.test(anonText)) anonymous = true;
  else if (anonText !== '' && !FALSE.test(anonText)) problems.push({ column: 'anonymous', rule: 'anonymous', value: anonText, message: `anonymous must be true or false, got '${anonText}'` });

  const donor: Record<string, unknown> = {};
  if (anonymous) donor.anonymous = true;
  const idNumber = cell('idNumber');
  const idType = cell('idType');
  if (idNumber !== '') {
    try {
      donor.idNumber = requirePersonDocument('donor', idType === '' ? undefined : idType, idNumber).idNumber;
      if (idType !== '') donor.idType = idType;
    } catch (err) {
      problems.push({ column: 'idNumber', rule: 'idNumber', value: idNumber, message: detailOf(err) });
    }
  } else if (!anonymous) {
    problems.push({ column: 'idNumber', rule: 'noDonor', value: '', message: 'idNumber is required unless anonymous is true' });
  }

  const item: Record<string, unknown> = { id, projectId, amount, donor };
  const receivedAt = cell('receivedAt');
  if (receivedAt !== '') {
    let written = true;
    try {
      requireDateOrDateTime('receivedAt', receivedAt);
    } catch (err) {
      written = false;
      problems.push({ column: 'receivedAt', rule: 'receivedAt', value: receivedAt, message: detailOf(err) });
    }
    if (written) {
      // A real date, so what remains is the window.
      try {
        item.receivedAt = requireBusinessDate('receivedAt', receivedAt, now);
      } catch (err) {
        problems.push({ column: 'receivedAt', rule: 'receivedAtWindow', value: receivedAt, message: detailOf(err) });
      }
    }
  }
  const channel = cell('channel');
  if (channel !== '') {
    if (isId(channel)) item.channel = channel;
    else problems.push({ column: 'channel', rule: 'channel', value: channel, message: `channel '${channel}' is not an identifier` });
  }
  return problems.length > 0 ? { ok: false, id, problems } : { ok: true, id, amount, item };
}
