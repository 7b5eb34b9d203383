import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { isoTime } from './access';
import { requireAuditor } from './charity-access';
import { KEYS, entityKey, getCharity, getDisbursement, getDonation, notFoundCode, readTotals, firstVersion, seqPart, type StoredVersion } from './charity-state';
import { canonicalJson, decode } from './codec';
import { CodedError } from './errors';
import { requireYear } from './dates';
import { CONTRACTS, MAX_PAGE } from './functions';
import {
  EXPORT_KINDS,
  HISTORY_ENTITIES,
  type Allocation,
  type AnnualReport,
  type Disbursement,
  type DisbursementTrace,
  type Donation,
  type DonationTrace,
  type EntityVersion,
  type ExportKind,
  type ComplianceStanding,
  type Finding,
  type HistoryEntity,
  type Page,
} from './models';
import { key, pageIndex, readJson } from './state';
import { parseLimit } from './validate';

/** Charity Law art. 61 (art. 60 before the 2023 amendment), for public-fundraising charities. */
const PROGRAM_MIN = { num: 7n, den: 10n, ratio: 0.7 };
const MANAGEMENT_MAX = { num: 1n, den: 10n, ratio: 0.1 };


function ratio(num: number, den: number): number | null {
  return den === 0 ? null : Math.round((num / den) * 10_000) / 10_000;
}

/** Fen as yuan text, exactly: 123456 → "1234.56". */
function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

function percent(r: number | null): string {
  return r === null ? 'n/a' : `${(r * 100).toFixed(2)}%`;
}

/** The 70% rule: programme spending against the previous year's income, exactly (BigInt). */
function programStanding(program: number, previousIncome: number): ComplianceStanding {
  if (previousIncome <= 0) return 'none';
  return BigInt(program) * PROGRAM_MIN.den >= BigInt(previousIncome) * PROGRAM_MIN.num ? 'meets' : 'fails';
}

/** The 10% rule: management costs against total spending, exactly (BigInt). */
function managementStanding(management: number, total: number): ComplianceStanding {
  if (total <= 0) return 'none';
  return BigInt(management) * MANAGEMENT_MAX.den <= BigInt(total) * MANAGEMENT_MAX.num ? 'meets' : 'fails';
}

/**
 * Where a year's spending stands against Charity Law art. 61 (art. 60 before
 * the 2023 amendment). Thresholds are compared in exact integer arithmetic
 * (BigInt), never on the rounded ratios. Without income in the previous year
 * the 70% rule has nothing to measure against (`none`); without spending, the
 * 10% rule has none either. Clients display these; they never recompute them.
 */
export function complianceStandings(income: { previous: number }, spent: { program: number; management: number; total: number }): AnnualReport['standings'] {
  return { program: programStanding(spent.program, income.previous), management: managementStanding(spent.management, spent.total) };
}

/** Art. 60/61 findings: one per standing that fails, with the figures behind it. */
export function complianceFindings(year: number, income: { previous: number }, spent: { program: number; management: number; total: number }): Finding[] {
  const findings: Finding[] = [];
  const { previous } = income;
  const standings = complianceStandings(income, spent);
  if (standings.program === 'fails') {
    const required = Number((BigInt(previous) * PROGRAM_MIN.num + PROGRAM_MIN.den - 1n) / PROGRAM_MIN.den);
    const r = ratio(spent.program, previous);
    findings.push({
      code: 'PROGRAM_SPENDING_BELOW_70_PERCENT',
      severity: 'high',
      message:
        `Charity Law art. 61 (art. 60 before 2023): charitable-activity spending in ${year} was ${yuan(spent.program)} yuan, ` +
        `${percent(r)} of the ${year - 1} income of ${yuan(previous)} yuan; at least 70% (${yuan(required)} yuan) is required`,
      figures: { program: spent.program, previousYearIncome: previous, required, shortfall: required - spent.program, ratio: r, threshold: PROGRAM_MIN.ratio },
    });
  }
  if (standings.management === 'fails') {
    const allowed = Number((BigInt(spent.total) * MANAGEMENT_MAX.num) / MANAGEMENT_MAX.den);
    const r = ratio(spent.management, spent.total);
    findings.push({
      code: 'MANAGEMENT_COSTS_ABOVE_10_PERCENT',
      severity: 'medium',
      message:
        `Charity Law art. 61 (art. 60 before 2023): management costs in ${year} were ${yuan(spent.management)} yuan, ` +
        `${percent(r)} of total spending of ${yuan(spent.total)} yuan; at most 10% (${yuan(allowed)} yuan) is allowed`,
      figures: { management: spent.management, total: spent.total, allowed, excess: spent.management - allowed, ratio: r, threshold: MANAGEMENT_MAX.ratio },
    });
  }
  return findings;
}

/**
 * Penetrating audit: forward and backward traces, the annual compliance
 * report, entity history and the pages of the CSV export. Auditors see every
 * charity; a charity sees its own records only.
 */
@Info({ title: 'Audit', description: 'Traces, annual compliance reports, history and exports' })
export class AuditContract extends Contract {
  constructor() {
    super(CONTRACTS.audit);
  }

  /** A donation and every disbursement it paid into, in recording order, with what is left. */
  @Transaction(false)
  @Returns('string')
  async TraceDonation(ctx: Context, id: string): Promise<string> {
    const donation = await getDonation(ctx, id);
    requireAuditor(ctx, donation.charityId);
    const allocations: Allocation[] = [];
    const it = await ctx.stub.getStateByPartialCompositeKey(KEYS.allocation, [id]);
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const { attributes } = ctx.stub.splitCompositeKey(r.value.key);
        const { amount } = decode<{ amount: number }>(r.value.value);
        const d = await getDisbursement(ctx, attributes[1]);
        allocations.push({
          disbursementId: d.id,
          amount,
          category: d.category,
          beneficiaryRef: d.beneficiaryRef,
          payee: d.payee,
          paidAt: d.paidAt,
          txId: d.txId,
          timestamp: d.recordedAt,
        });
      }
    } finally {
      await it.close();
    }
    // Keys sort by disbursement id; an audit trail reads in time order.
    allocations.sort((a, b) => (a.timestamp === b.timestamp ? (a.disbursementId < b.disbursementId ? -1 : 1) : a.timestamp < b.timestamp ? -1 : 1));
    const trace: DonationTrace = { donation, allocations, remaining: donation.remaining };
    return canonicalJson(trace);
  }

  /** A disbursement and the donations (donor pseudonyms) that paid for it, oldest first. */
  @Transaction(false)
  @Returns('string')
  async TraceDisbursement(ctx: Context, id: string): Promise<string> {
    const disbursement = await getDisbursement(ctx, id);
    requireAuditor(ctx, disbursement.charityId);
    const donations = await Promise.all(disbursement.sources.map((s) => getDonation(ctx, s.donationId)));
    const trace: DisbursementTrace = {
      disbursement,
      sources: disbursement.sources.map((s, i) => ({
        donationId: s.donationId,
        amount: s.amount,
        donorRef: donations[i].donorRef,
        anonymous: donations[i].anonymous,
        receivedAt: donations[i].receivedAt,
        txId: donations[i].txId,
      })),
    };
    return canonicalJson(trace);
  }

  /** The annual compliance report: three key reads (charity, the year's and the previous year's totals). */
  @Transaction(false)
  @Returns('string')
  async AnnualReport(ctx: Context, charityId: string, yearText: string): Promise<string> {
    const year = requireYear('year', yearText);
    const charity = await getCharity(ctx, charityId);
    requireAuditor(ctx, charity.id);
    const [current, previous] = await Promise.all([readTotals(ctx, charity.id, year), readTotals(ctx, charity.id, year - 1)]);
    const { program, management, fundraising } = current.expenditure;
    const total = program + management + fundraising;
    const report: AnnualReport = {
      charityId: charity.id,
      year,
      publicFundraising: charity.publicFundraising,
      income: current.income,
      previousYearIncome: previous.income,
      expenditure: { program, management, fundraising, total },
      ratios: { programToPreviousIncome: ratio(program, previous.income), managementToTotal: ratio(management, total) },
      counts: { donations: current.donationCount, disbursements: current.disbursementCount },
      standings: complianceStandings({ previous: previous.income }, { program, management, total }),
      findings: charity.publicFundraising ? complianceFindings(year, { previous: previous.income }, { program, management, total }) : [],
    };
    return canonicalJson(report);
  }

  /**
   * Every version of an entity, oldest first, a page at a time. Key history
   * cannot be read from an offset, so the cursor is the number of versions
   * already returned and only the page's versions are decoded.
   */
  @Transaction(false)
  @Returns('string')
  async History(ctx: Context, entity: string, id: string, limit: string, cursor: string): Promise<string> {
    if (!HISTORY_ENTITIES.includes(entity as HistoryEntity)) {
      throw new CodedError('VALIDATION_FAILED', `entity must be one of ${HISTORY_ENTITIES.join(', ')}`);
    }
    const kind = entity as HistoryEntity;
    const size = parseLimit(limit, MAX_PAGE, 100);
    if (cursor !== '' && !/^\d{1,9}$/.test(cursor)) throw new CodedError('VALIDATION_FAILED', 'cursor is malformed');
    const offset = cursor === '' ? 0 : Number(cursor);
    const k = entityKey(ctx, kind, id);
    const current = await readJson<{ id: string; charityId?: string; version?: number; txId?: string }>(ctx, k);
    if (!current) throw new CodedError(notFoundCode(kind), `${kind} ${id} not found`);
    requireAuditor(ctx, kind === 'charity' ? current.id : (current.charityId ?? ''));

    if (current.version === 1) {
      // Never changed since it was created: the record is its only version.
      const first = firstVersion(kind, current);
      const items: EntityVersion[] = offset === 0 ? [{ txId: first.txId, timestamp: first.timestamp, isDelete: false, record: current }] : [];
      return canonicalJson({ items } satisfies Page<EntityVersion>);
    }
    if (typeof current.version === 'number') {
      // Indexed: the page starts at its own version, so it costs O(limit) whatever the history's length.
      if (offset >= current.version) return canonicalJson({ items: [] } satisfies Page<EntityVersion>);
      const start = offset === 0 ? '' : key(ctx, KEYS.versions, [kind, id, seqPart(offset + 1)]);
      const load = async (_k: string, value: Uint8Array): Promise<EntityVersion> => {
        const v = decode<StoredVersion>(value);
        return { txId: v.txId, timestamp: v.timestamp, isDelete: false, record: v.record };
      };
      const indexed = await pageIndex(ctx, KEYS.versions, [kind, id], size, start, load);
      const page: Page<EntityVersion> = { items: indexed.items };
      if (indexed.nextCursor) page.nextCursor = String(offset + indexed.items.length);
      return canonicalJson(page);
    }

    // Written before versions were counted: read the key history (every page reads all of it).
    const raw: Array<{ txId: string; timestamp: { seconds: unknown; nanos: unknown }; isDelete: boolean; value: Uint8Array }> = [];
    const it = await ctx.stub.getHistoryForKey(k);
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) raw.push(r.value);
    } finally {
      await it.close();
    }
    // Fabric 2.x returns key history newest first; the audit reads oldest first.
    raw.reverse();
    const items: EntityVersion[] = raw.slice(offset, offset + size).map((e) => ({
      txId: e.txId,
      timestamp: isoTime(e.timestamp),
      isDelete: e.isDelete,
      record: e.isDelete || e.value.length === 0 ? undefined : decode<unknown>(e.value),
    }));
    const page: Page<EntityVersion> = { items };
    if (offset + size < raw.length) page.nextCursor = String(offset + size);
    return canonicalJson(page);
  }

  /** One page of a charity's donations or disbursements of a year, in recording order, for the CSV export. */
  @Transaction(false)
  @Returns('string')
  async ExportPage(ctx: Context, charityId: string, yearText: string, kind: string, limit: string, cursor: string): Promise<string> {
    const year = requireYear('year', yearText);
    if (!EXPORT_KINDS.includes(kind as ExportKind)) throw new CodedError('VALIDATION_FAILED', `kind must be one of ${EXPORT_KINDS.join(', ')}`);
    const charity = await getCharity(ctx, charityId);
    requireAuditor(ctx, charity.id);
    const size = parseLimit(limit, MAX_PAGE, MAX_PAGE);
    const donations = kind === 'donations';
    const index = donations ? KEYS.donationByYear : KEYS.disbursementByYear;
    const load = async (indexKey: string): Promise<Donation | Disbursement> => {
      const { attributes } = ctx.stub.splitCompositeKey(indexKey);
      const id = attributes[attributes.length - 1];
      return donations ? getDonation(ctx, id) : getDisbursement(ctx, id);
    };
    return canonicalJson(await pageIndex(ctx, index, [charity.id, String(year)], size, cursor, load));
  }
}
