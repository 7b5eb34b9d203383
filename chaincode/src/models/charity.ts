import type { Actor } from './certificate';

/**
 * Money is integer fen (分), CNY. A single amount is 1..10^12 fen; running
 * totals stay JavaScript safe integers (the chaincode refuses a write that
 * would push one past 2^53 − 1 fen, about 90 trillion yuan).
 */
export const MAX_AMOUNT_FEN = 1_000_000_000_000;

/** What a disbursement pays for, as Charity Law art. 61 (2016: art. 60) sorts spending. */
export const DISBURSEMENT_CATEGORIES = ['program', 'management', 'fundraising'] as const;
export type DisbursementCategory = (typeof DISBURSEMENT_CATEGORIES)[number];

/** A charity registered by the civil-affairs registrar. */
export interface Charity {
  id: string;
  name: string;
  /** 统一社会信用代码. */
  creditCode: string;
  /** Holds the public-fundraising qualification; only these get art. 60/61 findings. */
  publicFundraising: boolean;
  registeredAt: string;
  registeredBy: Actor;
  /** The registering transaction. */
  txId: string;
  /** Versions written so far (1 when created; from the second on, each is kept in the history index). Absent on records written before versions were counted. */
  version?: number;
}

/** A fundraising project of one charity, with its running money figures. */
export interface Project {
  id: string;
  charityId: string;
  title: string;
  targetAmount: number;
  /** Sum of all donations. */
  raised: number;
  /** Sum of all disbursements. */
  disbursed: number;
  /** raised − disbursed; equals the sum of `remaining` over the project's donations. */
  balance: number;
  /** Donations recorded so far; the last donation's `seq`. */
  donationCount: number;
  /** `seq` of the oldest donation with money left (donationCount + 1 when none has). */
  fifoHead: number;
  createdAt: string;
  createdBy: Actor;
  updatedAt: string;
  /** The creating transaction (key history has every later one). */
  txId: string;
  /** Versions written so far (1 when created; from the second on, each is kept in the history index). Absent on records written before versions were counted. */
  version?: number;
}

/** A donation to a project. The donor is a pseudonym or nobody (anonymous); never a name. */
export interface Donation {
  id: string;
  projectId: string;
  charityId: string;
  amount: number;
  /** What no disbursement has consumed yet. */
  remaining: number;
  /** HMAC-SHA256(consortium pepper, donor's ID number), hex; absent for an anonymous donor. */
  donorRef?: string;
  anonymous: boolean;
  channel?: string;
  /** Recording order within the project (1-based): the FIFO order. */
  seq: number;
  /** Business date: when the money came in. Its year (UTC+8) is the income year. */
  receivedAt: string;
  year: number;
  /** Transaction time. */
  recordedAt: string;
  recordedBy: Actor;
  /** The recording transaction; disbursements that consume the donation later are in key history. */
  txId: string;
  /** Versions written so far (1 when created; from the second on, each is kept in the history index). Absent on records written before versions were counted. */
  version?: number;
}

/** One donation's share of a disbursement. */
export interface DisbursementSource {
  donationId: string;
  amount: number;
}

/** A use of a project's money. */
export interface Disbursement {
  id: string;
  projectId: string;
  charityId: string;
  amount: number;
  category: DisbursementCategory;
  /** Pseudonym of a person who received the money. */
  beneficiaryRef?: string;
  /** An organisation paid (supplier, partner), by name. */
  payee?: string;
  /** SHA-256 of the supporting evidence (invoice, receipt), hex. */
  evidenceDigest?: string;
  memo?: string;
  /** Donations consumed, oldest first (FIFO by recording order). */
  sources: DisbursementSource[];
  /** Business date: when the money was paid. Its year (UTC+8) is the spending year. */
  paidAt: string;
  year: number;
  recordedAt: string;
  recordedBy: Actor;
  /** The recording transaction. */
  txId: string;
  /** Versions written so far (1 when created; from the second on, each is kept in the history index). Absent on records written before versions were counted. */
  version?: number;
}

/** Per-charity, per-year running totals; the annual report reads these, never scans. */
export interface CharityYearTotals {
  charityId: string;
  year: number;
  income: number;
  donationCount: number;
  expenditure: Record<DisbursementCategory, number>;
  disbursementCount: number;
}

/** What the gateway submits to register a charity. */
export interface RegisterCharityInput {
  id: string;
  name: string;
  creditCode: string;
  publicFundraising: boolean;
}

/** What the gateway submits to create a project (for the caller's charity). */
export interface CreateProjectInput {
  id: string;
  title: string;
  targetAmount: number;
}

/** What the gateway submits per donation: pseudonyms only, never a name or ID number. */
export interface RecordDonationInput {
  id: string;
  projectId: string;
  amount: number;
  donorRef?: string;
  anonymous: boolean;
  channel?: string;
  receivedAt?: string;
}

/** What the gateway submits per disbursement: pseudonyms only, never a name or ID number. */
export interface RecordDisbursementInput {
  id: string;
  projectId: string;
  amount: number;
  category: DisbursementCategory;
  beneficiaryRef?: string;
  payee?: string;
  evidenceDigest?: string;
  memo?: string;
  paidAt?: string;
}

/** A disbursement a donation helped pay for, as the forward trace shows it. */
export interface Allocation {
  disbursementId: string;
  amount: number;
  category: DisbursementCategory;
  beneficiaryRef?: string;
  payee?: string;
  paidAt: string;
  txId: string;
  /** The disbursement's transaction time. */
  timestamp: string;
  /** Filled in by the gateway from the ledger (chaincode cannot see block numbers). */
  blockNumber?: number;
}

/** Forward trace: a donation and everything it paid for. */
export interface DonationTrace {
  donation: Donation;
  allocations: Allocation[];
  remaining: number;
}

/** A donation behind a disbursement, as the backward trace shows it. */
export interface TracedSource {
  donationId: string;
  amount: number;
  donorRef?: string;
  anonymous: boolean;
  receivedAt: string;
  txId: string;
  blockNumber?: number;
}

/** Backward trace: a disbursement and the donations (donors) that paid for it. */
export interface DisbursementTrace {
  disbursement: Disbursement;
  sources: TracedSource[];
}

/** Severity of a compliance finding. */
export type FindingSeverity = 'high' | 'medium' | 'low';

/** A compliance finding of the annual report. */
export interface Finding {
  code: string;
  severity: FindingSeverity;
  message: string;
  /** The figures (fen, ratios) the finding rests on. */
  figures: Record<string, number | null>;
}

/** The annual compliance report of one charity. */
export interface AnnualReport {
  charityId: string;
  year: number;
  publicFundraising: boolean;
  income: number;
  previousYearIncome: number;
  expenditure: Record<DisbursementCategory, number> & { total: number };
  /** Rounded to 4 decimals; null when the denominator is 0. Findings use exact integer arithmetic. */
  ratios: { programToPreviousIncome: number | null; managementToTotal: number | null };
  counts: { donations: number; disbursements: number };
  /** Where each Charity Law ratio stands against its threshold, from the exact fen figures; `none` when there is nothing to measure against. */
  standings: { program: ComplianceStanding; management: ComplianceStanding };
  findings: Finding[];
}

/** A ratio meets its threshold, fails it, or has no denominator to be measured against. */
export const COMPLIANCE_STANDINGS = ['meets', 'fails', 'none'] as const;
export type ComplianceStanding = (typeof COMPLIANCE_STANDINGS)[number];

/** Entities whose key history the audit can read. */
export const HISTORY_ENTITIES = ['charity', 'project', 'donation', 'disbursement'] as const;
export type HistoryEntity = (typeof HISTORY_ENTITIES)[number];

/** One version of an entity, from its key history. */
export interface EntityVersion<T = unknown> {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  record?: T;
  blockNumber?: number;
}

/** What a charity-year listing holds (the export and the portal's money flow). */
export const EXPORT_KINDS = ['donations', 'disbursements'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
