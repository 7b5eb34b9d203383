import { FN, MAX_PAGE } from '../../../chaincode/src/functions';
import {
  EXPORT_KINDS,
  HISTORY_ENTITIES,
  type ExportKind,
  type AnnualReport,
  type Disbursement,
  type DisbursementTrace,
  type Donation,
  type DonationTrace,
  type EntityVersion,
  type HistoryEntity,
  type Page,
} from '../../../chaincode/src/models';
import type { SigningIdentity } from '../../../network/pki/types';
import type { ChainCheck, LedgerTransaction } from '../ledger';
import { blockNumbersOf } from './block-numbers';
import { read } from './calls';
import type { DomainContext } from './context';
import { decodeCursor, encodeCursor, limitField } from './input';
import { csvRow, type CsvValue } from './csv';
import { CodedError, invalid } from '../../../chaincode/src/errors';

/** Forward trace: the donation, every disbursement it paid into (with its block) and what is left. */
export async function traceDonation(ctx: DomainContext, who: SigningIdentity, id: string): Promise<DonationTrace> {
  const trace = await read<DonationTrace>(ctx, who, FN.traceDonation, [id]);
  const blocks = await blockNumbersOf(ctx, trace.allocations.map((a) => a.txId));
  for (const a of trace.allocations) a.blockNumber = blocks.get(a.txId);
  return trace;
}

/** Backward trace: the disbursement and the donations (donor pseudonyms) that paid for it. */
export async function traceDisbursement(ctx: DomainContext, who: SigningIdentity, id: string): Promise<DisbursementTrace> {
  const trace = await read<DisbursementTrace>(ctx, who, FN.traceDisbursement, [id]);
  const blocks = await blockNumbersOf(ctx, trace.sources.map((s) => s.txId));
  for (const s of trace.sources) s.blockNumber = blocks.get(s.txId);
  return trace;
}

/** The annual compliance report of a charity (a few key reads in the chaincode). */
export function annualReport(ctx: DomainContext, who: SigningIdentity, charityId: string, year: number): Promise<AnnualReport> {
  return read<AnnualReport>(ctx, who, FN.annualReport, [charityId, String(year)]);
}

/** Entities whose history `GET /audit/history/:entity/:id` serves. */
export function historyEntityField(v: string): HistoryEntity {
  if (!HISTORY_ENTITIES.includes(v as HistoryEntity)) throw invalid(`entity must be one of ${HISTORY_ENTITIES.join(', ')}`);
  return v as HistoryEntity;
}

/** Every version of an entity, oldest first, a page at a time, each with its block. */
export async function entityHistory(ctx: DomainContext, who: SigningIdentity, entity: HistoryEntity, id: string, query: Record<string, unknown>) {
  const cursor = query.cursor === undefined || query.cursor === '' ? '' : query.cursor;
  if (typeof cursor !== 'string' || !/^$|^\d{1,9}$/.test(cursor)) throw invalid('cursor is malformed');
  const page = await read<Page<EntityVersion>>(ctx, who, FN.entityHistory, [entity, id, String(limitField(query.limit)), cursor]);
  const blocks = await blockNumbersOf(ctx, page.items.map((v) => v.txId));
  for (const v of page.items) v.blockNumber = blocks.get(v.txId);
  return { entity, id, items: page.items, nextCursor: page.nextCursor };
}

/**
 * A composite key as people read it: `\u0000cert\u0000abc\u0000` → `cert/abc`.
 * Identifiers never contain `/`, so the rendering is unambiguous.
 */
export function readableKey(k: string): string {
  if (!k.startsWith('\u0000')) return k;
  const parts = k.slice(1).split('\u0000');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.join('/');
}

/** A transaction as the audit shows it: block, creator, contract and function, validation code, keys written. */
export async function transaction(ctx: DomainContext, txId: string): Promise<LedgerTransaction> {
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(txId)) throw invalid('txId is malformed');
  const tx = await ctx.ledger.transaction(txId);
  if (!tx) throw new CodedError('TX_NOT_FOUND', `transaction ${txId} is not in the ledger`);
  return { ...tx, writes: tx.writes.map(readableKey) };
}

/** Recomputes the block hash chain from the genesis block. */
export function verifyLedger(ctx: DomainContext): Promise<ChainCheck> {
  return ctx.ledger.verifyChain();
}

const EXPORT_HEADER = [
  'record', 'id', 'project_id', 'business_date', 'year', 'recorded_at', 'amount_fen', 'amount_yuan', 'category',
  'donor_ref', 'anonymous', 'channel', 'remaining_fen', 'beneficiary_ref', 'payee', 'evidence_digest', 'memo',
  'sources', 'tx_id', 'block_number',
];

function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

function donationRow(d: Donation, block: number | undefined): CsvValue[] {
  return ['donation', d.id, d.projectId, d.receivedAt, d.year, d.recordedAt, d.amount, yuan(d.amount), '',
    d.donorRef, d.anonymous, d.channel, d.remaining, '', '', '', '', '', d.txId, block];
}

function disbursementRow(d: Disbursement, block: number | undefined): CsvValue[] {
  return ['disbursement', d.id, d.projectId, d.paidAt, d.year, d.recordedAt, d.amount, yuan(d.amount), d.category,
    '', '', '', '', d.beneficiaryRef, d.payee, d.evidenceDigest, d.memo,
    d.sources.map((s) => `${s.donationId}:${s.amount}`).join(';'), d.txId, block];
}


/**
 * A charity's year as CSV for auditors' working papers: its donations, then
 * its disbursements, each in recording order. The first page is read before
 * this returns, so a refused or unknown charity is an error, not a broken
 * download; the rest streams page by page.
 */
export async function exportYearCsv(ctx: DomainContext, who: SigningIdentity, charityId: string, year: number): Promise<AsyncIterable<string>> {
  const page = (kind: ExportKind, cursor: string) =>
    read<Page<Donation | Disbursement>>(ctx, who, FN.exportPage, [charityId, String(year), kind, String(MAX_PAGE), cursor]);
  const first = await page('donations', '');
  async function* lines(): AsyncGenerator<string> {
    yield csvRow(EXPORT_HEADER);
    for (const kind of ['donations', 'disbursements'] as const) {
      let current: Page<Donation | Disbursement> = kind === 'donations' ? first : await page(kind, '');
      for (;;) {
        const blocks = await blockNumbersOf(ctx, current.items.map((r) => r.txId));
        let chunk = '';
        for (const r of current.items) {
          chunk += csvRow(kind === 'donations' ? donationRow(r as Donation, blocks.get(r.txId)) : disbursementRow(r as Disbursement, blocks.get(r.txId)));
        }
        if (chunk) yield chunk;
        if (!current.nextCursor) break;
        current = await page(kind, current.nextCursor);
      }
    }
  }
  return lines();
}

/** A record of a charity's year with the block that holds it. */
export type YearRecord = (Donation | Disbursement) & { blockNumber?: number };

/**
 * One page of a charity's donations or disbursements of a year, in recording
 * order, each with its block: the data behind the portal's money-flow chart.
 * The chaincode decides who may read it (auditors and the charity itself).
 */
export async function yearRecords(
  ctx: DomainContext,
  who: SigningIdentity,
  charityId: string,
  year: number,
  query: Record<string, unknown>,
): Promise<{ items: YearRecord[]; nextCursor?: string }> {
  const kind = query.kind;
  if (typeof kind !== 'string' || !EXPORT_KINDS.includes(kind as ExportKind)) throw invalid(`kind must be one of ${EXPORT_KINDS.join(', ')}`);
  const page = await read<Page<Donation | Disbursement>>(ctx, who, FN.exportPage, [
    charityId,
    String(year),
    kind,
    String(limitField(query.limit)),
    decodeCursor(query.cursor),
  ]);
  const blocks = await blockNumbersOf(ctx, page.items.map((r) => r.txId));
  return { items: page.items.map((r) => ({ ...r, blockNumber: blocks.get(r.txId) })), nextCursor: encodeCursor(page.nextCursor) };
}
