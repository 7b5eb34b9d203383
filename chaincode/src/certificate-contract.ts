import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { actorOf, callerMsp, requireCaller, txTime } from './access';
import { canonicalJson, encode } from './codec';
import { getType, findType } from './certificate-type-contract';
import { requireIssuerOf } from './certificate-type-rules';
import { issuedRecord, parseIssueInput, type IssueFacts } from './certificate-record';
import { CodedError, invalid } from './errors';
import { EVENTS } from './events';
import { CONTRACTS, MAX_BATCH, MAX_PAGE } from './functions';
import { findKey } from './issuer-registry-contract';
import { HOLDER_CHECK_OUTCOMES, nextHolderCheckState, type HolderCheckOutcome, type HolderCheckState } from './holder-checks';
import type {
  CertificateFilter,
  CertificateHistoryEntry,
  CertificateRecord,
  CertificateStatus,
  IssueCertificateInput,
  Page,
  VerificationContext,
} from './models';
import { isConsortiumMsp } from './models';
import { INDEX_VALUE, exists, key, mustRead, pageIndex, readJson, writeJson } from './state';
import { STATUS_LIST_SIZE, STATUS_PURPOSES, isStatusPurpose, statusBits, type StatusListState } from './status-list';
import { nextStatus, optionalStatus, requireStatusReason, type StatusAction } from './lifecycle';
import { parseArg, parseLimit, requireHex64, requireId, requireObject } from './validate';

const CERT = 'cert';
const BY_HOLDER = 'cert~holder';
const BY_TYPE = 'cert~type';
const BY_STATUS = 'cert~status';
/** [mspId] → {next}: the org's next certificate number, which places it in the status lists. */
const STATUS_COUNTER = 'statuslist~next';
/** [mspId, purpose, list, index]: a bit set to 1 in a status list. */
const STATUS_BIT = 'statuslist~bit';
/** [certificate id] → {@link HolderCheckState}. */
const HOLDER_CHECK = 'holdercheck';

const pad = (n: number): string => String(n).padStart(9, '0');


async function nextStatusNumber(ctx: Context, msp: string): Promise<number> {
  return (await readJson<{ next: number }>(ctx, key(ctx, STATUS_COUNTER, [msp])))?.next ?? 0;
}

/** Writes the status-list bits of a record whose status changed from `from`. */
async function updateStatusBits(ctx: Context, record: CertificateRecord, from: CertificateStatus | undefined): Promise<void> {
  if (!record.statusList) return;
  const { list, index } = record.statusList;
  const before = from === undefined ? undefined : statusBits(from);
  const after = statusBits(record.status);
  for (const purpose of STATUS_PURPOSES) {
    if ((before?.[purpose] ?? false) === after[purpose]) continue;
    const k = key(ctx, STATUS_BIT, [record.issuerMsp, purpose, pad(list), pad(index)]);
    if (after[purpose]) await ctx.stub.putState(k, INDEX_VALUE);
    else await ctx.stub.deleteState(k);
  }
}


/**
 * E-certificate anchors: the record of each credential (never the personal
 * data), its lifecycle, and listings through composite-key indexes.
 */
@Info({ title: 'E-certificates', description: 'Anchors, lifecycle and listings of e-certificates' })
export class CertificateContract extends Contract {
  constructor() {
    super(CONTRACTS.certificates);
  }

  /** Anchors one certificate issued by the caller's org. */
  @Transaction()
  @Returns('string')
  async Issue(ctx: Context, inputJson: string): Promise<string> {
    const input = parseIssueInput(parseArg<unknown>('certificate', inputJson), 'certificate');
    const { records: [record] } = await this.issueAll(ctx, [input]);
    ctx.stub.setEvent(EVENTS.certificateIssued, encode({ id: record.id, type: record.type, issuerMsp: record.issuerMsp, timestamp: record.issuedAt }));
    return canonicalJson(record);
  }

  /**
   * Anchors 1..1000 certificates in one transaction: all or nothing. The
   * answer is the {@link IssueFacts} the records share, not the records:
   * {@link issuedRecord} of each input and these facts is exactly what was written.
   */
  @Transaction()
  @Returns('string')
  async IssueBatch(ctx: Context, inputsJson: string): Promise<string> {
    const raw = parseArg<unknown>('items', inputsJson);
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_BATCH) {
      throw new CodedError('VALIDATION_FAILED', `items must be an array of 1 to ${MAX_BATCH} certificates`);
    }
    const inputs = raw.map((r, i) => parseIssueInput(r, `items[${i}]`));
    const seen = new Set<string>();
    for (const input of inputs) {
      if (seen.has(input.id)) throw new CodedError('DUPLICATE_ID', `certificate ${input.id} appears twice in the batch`);
      seen.add(input.id);
    }
    const { records, facts } = await this.issueAll(ctx, inputs);
    ctx.stub.setEvent(EVENTS.certificatesIssued, encode({ items: records.map((r) => ({ id: r.id, type: r.type })), issuerMsp: facts.issuerMsp, timestamp: facts.issuedAt }));
    return canonicalJson(facts);
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, id: string): Promise<string> {
    return canonicalJson(await this.mustGet(ctx, id));
  }

  /** Every change of a certificate, oldest first, with its actor. */
  @Transaction(false)
  @Returns('string')
  async History(ctx: Context, id: string): Promise<string> {
    const k = key(ctx, CERT, [id]);
    const items: CertificateHistoryEntry[] = [];
    const it = await ctx.stub.getHistoryForKey(k);
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        if (r.value.isDelete) continue;
        const rec = JSON.parse(Buffer.from(r.value.value).toString('utf8')) as CertificateRecord;
        items.push({ txId: r.value.txId, timestamp: rec.updatedAt, status: rec.status, reasonCode: rec.statusReasonCode, reason: rec.statusReason, actor: rec.updatedBy });
      }
    } finally {
      await it.close();
    }
    if (items.length === 0) throw new CodedError('CERT_NOT_FOUND', `certificate ${id} not found`);
    // Fabric 2.x returns key history newest first; the API promises oldest first.
    return canonicalJson({ items: items.reverse() });
  }

  @Transaction()
  @Returns('string')
  async Suspend(ctx: Context, id: string, reasonJson: string): Promise<string> {
    return this.move(ctx, id, 'suspend', reasonJson);
  }

  @Transaction()
  @Returns('string')
  async Reinstate(ctx: Context, id: string, reasonJson: string): Promise<string> {
    return this.move(ctx, id, 'reinstate', reasonJson);
  }

  @Transaction()
  @Returns('string')
  async Revoke(ctx: Context, id: string, reasonJson: string): Promise<string> {
    return this.move(ctx, id, 'revoke', reasonJson);
  }

  /**
   * Lists certificates by holder, type and/or status (verifier, issuer or
   * auditor). The cursor is the key the next page starts from.
   */
  @Transaction(false)
  @Returns('string')
  async List(ctx: Context, filterJson: string, limit: string, cursor: string): Promise<string> {
    requireCaller(ctx, { roles: ['verifier', 'issuer', 'auditor'] });
    const f = requireObject('filter', parseArg<unknown>('filter', filterJson));
    const filter: CertificateFilter = {
      holderRef: f.holderRef === undefined ? undefined : requireHex64('holderRef', f.holderRef),
      type: f.type === undefined || f.type === '' ? undefined : requireId('type', f.type),
      status: optionalStatus('status', f.status),
    };
    const size = parseLimit(limit, MAX_PAGE, 50);
    const matches = (r: CertificateRecord): boolean =>
      (filter.type === undefined || r.type === filter.type) && (filter.status === undefined || r.status === filter.status);
    const load = async (indexKey: string): Promise<CertificateRecord | undefined> => {
      const { attributes } = ctx.stub.splitCompositeKey(indexKey);
      const rec = await readJson<CertificateRecord>(ctx, key(ctx, CERT, [attributes[attributes.length - 1]]));
      return rec && matches(rec) ? rec : undefined;
    };
    let page: Page<CertificateRecord>;
    if (filter.holderRef) {
      page = await pageIndex(ctx, BY_HOLDER, [filter.holderRef], size, cursor, load);
    } else if (filter.status) {
      page = await pageIndex(ctx, BY_STATUS, filter.type ? [filter.status, filter.type] : [filter.status], size, cursor, load);
    } else {
      page = await pageIndex(ctx, BY_TYPE, filter.type ? [filter.type] : [], size, cursor, load);
    }
    return canonicalJson(page);
  }

  /**
   * What a verifier needs, in one call: the record (which names its anchoring
   * transaction), the signing key and the type. Public: verification needs no login.
   */
  @Transaction(false)
  @Returns('string')
  async GetForVerification(ctx: Context, id: string, kid: string): Promise<string> {
    const out: VerificationContext = {};
    const k = key(ctx, CERT, [id]);
    out.record = await readJson<CertificateRecord>(ctx, k);
    if (out.record) out.type = await findType(ctx, out.record.type);
    if (kid) out.key = await findKey(ctx, kid);
    return canonicalJson(out);
  }

  /** The count of failed holder checks of a certificate (public, as verification is). */
  @Transaction(false)
  @Returns('string')
  async HolderCheckState(ctx: Context, id: string): Promise<string> {
    const state = await readJson<HolderCheckState>(ctx, key(ctx, HOLDER_CHECK, [requireId('id', id)]));
    return canonicalJson(state ?? { failures: 0 });
  }

  /**
   * Records a holder check that ran on an anchored certificate: a failure
   * adds to its count and sets the lock-out, a pass clears it. Any member's
   * gateway records the checks it runs, under its own identity.
   */
  @Transaction()
  @Returns('string')
  async RecordHolderCheck(ctx: Context, id: string, outcome: string): Promise<string> {
    if (!isConsortiumMsp(callerMsp(ctx))) throw new CodedError('FORBIDDEN', 'only a member of the consortium records holder checks');
    if (!(HOLDER_CHECK_OUTCOMES as readonly string[]).includes(outcome)) throw invalid(`outcome must be one of ${HOLDER_CHECK_OUTCOMES.join(', ')}`);
    await this.mustGet(ctx, id);
    const k = key(ctx, HOLDER_CHECK, [id]);
    const state = nextHolderCheckState((await readJson<HolderCheckState>(ctx, k)) ?? { failures: 0 }, outcome as HolderCheckOutcome, txTime(ctx));
    await writeJson(ctx, k, state);
    return canonicalJson(state);
  }

  /**
   * What a short link's verifier needs (the record, its type and signing key),
   * only when the record holds this digest. An unknown id and a wrong digest
   * both cost one read and answer `{}`, so neither the answer nor the work
   * behind it tells that a certificate with this number exists. Public.
   */
  @Transaction(false)
  @Returns('string')
  async GetForReference(ctx: Context, id: string, digest: string): Promise<string> {
    const record = await readJson<CertificateRecord>(ctx, key(ctx, CERT, [id]));
    if (record === undefined || record.digest !== digest) return canonicalJson({});
    const out: VerificationContext = { record, type: await findType(ctx, record.type), key: await findKey(ctx, record.issuerKid) };
    return canonicalJson(out);
  }

  /**
   * One status list of an org at the current state: which bits are 1, and how
   * many certificates the org has numbered. Public: any verifier may fetch it.
   */
  @Transaction(false)
  @Returns('string')
  async StatusList(ctx: Context, mspId: string, purpose: string, listText: string): Promise<string> {
    if (!isConsortiumMsp(mspId)) throw new CodedError('STATUS_LIST_NOT_FOUND', `${mspId} is not an issuer of this consortium`);
    if (!isStatusPurpose(purpose)) throw invalid(`purpose must be one of ${STATUS_PURPOSES.join(', ')}`);
    if (!/^\d{1,9}$/.test(listText)) throw invalid('list must be a non-negative integer');
    const list = Number(listText);
    const allocated = await nextStatusNumber(ctx, mspId);
    if (list * STATUS_LIST_SIZE >= Math.max(allocated, 1)) throw new CodedError('STATUS_LIST_NOT_FOUND', `${mspId} has no ${purpose} list ${list}`);
    const set: number[] = [];
    const it = await ctx.stub.getStateByPartialCompositeKey(STATUS_BIT, [mspId, purpose, pad(list)]);
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const { attributes } = ctx.stub.splitCompositeKey(r.value.key);
        set.push(Number(attributes[3]));
      }
    } finally {
      await it.close();
    }
    const state: StatusListState = { mspId, purpose, list, allocated, set };
    return canonicalJson(state);
  }

  /** The next certificate number of an org: the status-list position its next certificate takes. */
  @Transaction(false)
  @Returns('string')
  async NextStatusNumber(ctx: Context, mspId: string): Promise<string> {
    return canonicalJson({ next: await nextStatusNumber(ctx, mspId) });
  }

  private async mustGet(ctx: Context, id: string): Promise<CertificateRecord> {
    return mustRead<CertificateRecord>(ctx, key(ctx, CERT, [id]), 'CERT_NOT_FOUND', `certificate ${id}`);
  }

  /**
   * Anchors certificates after checking everything first: the caller's role,
   * each type's authorisation, each signing key, and that no id exists yet.
   * Types and keys are read once per distinct value; existence checks run
   * concurrently, since a batch reads a thousand keys.
   */
  private async issueAll(ctx: Context, inputs: IssueCertificateInput[]): Promise<{ records: CertificateRecord[]; facts: IssueFacts }> {
    requireCaller(ctx, { roles: ['issuer'] });
    const msp = callerMsp(ctx);
    for (const type of new Set(inputs.map((i) => i.type))) {
      const t = await getType(ctx, type);
      requireIssuerOf(t, msp);
    }
    for (const kid of new Set(inputs.map((i) => i.issuerKid))) {
      const signingKey = await findKey(ctx, kid);
      if (!signingKey || signingKey.mspId !== msp) throw new CodedError('KEY_NOT_FOUND', `key ${kid} is not registered for ${msp}`);
      if (signingKey.status !== 'active') throw new CodedError('KEY_NOT_ACTIVE', `key ${kid} is ${signingKey.status}`);
    }
    const existing = await Promise.all(inputs.map((i) => exists(ctx, key(ctx, CERT, [i.id]))));
    const taken = existing.indexOf(true);
    if (taken >= 0) throw new CodedError('DUPLICATE_ID', `certificate ${inputs[taken].id} already exists`);
    // The credentials were signed naming their status-list positions, so they must be the org's next numbers, in order.
    const next = await nextStatusNumber(ctx, msp);
    const misplaced = inputs.findIndex((input, i) => input.statusNumber !== next + i);
    if (misplaced >= 0) {
      throw new CodedError('STATUS_INDEX_TAKEN', `certificate ${inputs[misplaced].id} names status number ${inputs[misplaced].statusNumber}; ${msp}'s next is ${next + misplaced}`);
    }
    await writeJson(ctx, key(ctx, STATUS_COUNTER, [msp]), { next: next + inputs.length });

    const facts: IssueFacts = { issuerMsp: msp, issuedAt: txTime(ctx), issuedBy: actorOf(ctx), issueTxId: ctx.stub.getTxID() };
    const records: CertificateRecord[] = [];
    for (const input of inputs) {
      const record = issuedRecord(input, facts);
      await writeJson(ctx, key(ctx, CERT, [record.id]), record);
      await ctx.stub.putState(key(ctx, BY_HOLDER, [record.holderRef, record.id]), INDEX_VALUE);
      await ctx.stub.putState(key(ctx, BY_TYPE, [record.type, record.id]), INDEX_VALUE);
      await ctx.stub.putState(key(ctx, BY_STATUS, [record.status, record.type, record.id]), INDEX_VALUE);
      records.push(record);
    }
    return { records, facts };
  }

  /** A status change; the reason argument is JSON `{reasonCode?, reason?}` (see {@link requireStatusReason}). */
  private async move(ctx: Context, id: string, action: StatusAction, reasonJson: string): Promise<string> {
    requireCaller(ctx, { roles: ['issuer'] });
    const body = requireObject('reason', parseArg<unknown>('reason', reasonJson));
    const why = requireStatusReason(body.reasonCode, body.reason);
    const current = await this.mustGet(ctx, id);
    if (current.issuerMsp !== callerMsp(ctx)) {
      throw new CodedError('FORBIDDEN', `only ${current.issuerMsp} may change certificate ${id}`);
    }
    const updated: CertificateRecord = {
      ...current,
      status: nextStatus(current.status, action),
      statusReasonCode: why.code,
      statusReason: why.text ?? why.code,
      updatedAt: txTime(ctx),
      updatedBy: actorOf(ctx),
    };
    await writeJson(ctx, key(ctx, CERT, [id]), updated);
    await updateStatusBits(ctx, updated, current.status);
    await ctx.stub.deleteState(key(ctx, BY_STATUS, [current.status, current.type, id]));
    await ctx.stub.putState(key(ctx, BY_STATUS, [updated.status, updated.type, id]), INDEX_VALUE);
    ctx.stub.setEvent(EVENTS.certificateStatusChanged, encode({ id, action, status: updated.status, type: updated.type, issuerMsp: updated.issuerMsp, timestamp: updated.updatedAt }));
    return canonicalJson(updated);
  }
}
