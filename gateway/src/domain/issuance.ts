import { issuedRecord, parseIssueInput, type IssueFacts } from '../../../chaincode/src/certificate-record';
import { FN, MAX_BATCH } from '../../../chaincode/src/functions';
import type { CertificateRecord, IssueCertificateInput } from '../../../chaincode/src/models';
import { statusListPosition } from '../../../chaincode/src/status-list';
import type { SigningIdentity } from '../../../network/pki/types';
import type { HeldKey } from '../credentials/issuer-keys';
import { buildCredential, digestOf, signCredentialAsync, statusEntries } from '../credentials/vc';
import { read, write, type Written } from './calls';
import type { DomainContext } from './context';

/** A checked issuance request: everything but its status-list position, which is known only when it is anchored. */
export interface Draft {
  credential: Omit<Parameters<typeof buildCredential>[0], 'credentialStatus'>;
  input: Omit<IssueCertificateInput, 'digest' | 'statusNumber'>;
  key: HeldKey;
  /** Keeps the signed credential before it is anchored, when the request can be retried. */
  keeper?: CredentialKeeper;
}

/**
 * Keeps signed credentials of a retryable request until its answer is
 * stored, so that a retry after a crash between commit and stored answer
 * can answer the credential the ledger anchored.
 */
export interface CredentialKeeper {
  keep(id: string, credential: string): Promise<void>;
  /** Every credential kept for `id` by this request, oldest attempt or newest. */
  recall(id: string): Promise<string[]>;
}

/** An anchored certificate. */
export interface Anchored {
  id: string;
  credential: string;
  record: CertificateRecord;
}

/** Anchored certificates and the transaction that anchored them. */
export interface AnchoredBatch {
  items: Anchored[];
  txId: string;
  blockNumber: number;
}

/** How often a batch is re-numbered when another gateway took the org's next numbers first. */
const RENUMBER_ATTEMPTS = 5;

/**
 * Numbers, signs and anchors drafts in one transaction. A credential names
 * its place in the status lists, so it is signed only once the org's next
 * certificate number is read; the chaincode checks the numbers are still
 * the next ones, and when another gateway took them first, the batch is
 * numbered and signed again.
 */
async function anchorNow(ctx: DomainContext, who: SigningIdentity, drafts: readonly Draft[]): Promise<AnchoredBatch> {
  for (let attempt = 1; ; attempt++) {
    // After a commit of this gateway the org's next number is known; it is read again after any failure.
    const known = attempt === 1 ? ctx.state.nextStatusNumbers.get(who.mspId) : undefined;
    const next = known ?? (await read<{ next: number }>(ctx, ctx.serviceIdentity, FN.nextStatusNumber, [who.mspId])).next;
    const signed = await Promise.all(
      drafts.map(async (d, i) => {
        const credentialStatus = statusEntries(ctx.config.publicBaseUrl, who.mspId, statusListPosition(next + i));
        const jws = await signCredentialAsync(buildCredential({ ...d.credential, credentialStatus }), d.key);
        await d.keeper?.keep(d.input.id, jws);
        return { jws, input: { ...d.input, digest: digestOf(jws), statusNumber: next + i } satisfies IssueCertificateInput };
      }),
    );
    let r: Written<IssueFacts>;
    try {
      r = await write<IssueFacts>(ctx, who, FN.issueBatch, [JSON.stringify(signed.map((s) => s.input))]);
    } catch (err) {
      // Another gateway of the org, or an outcome not known: the next number is read from the ledger again.
      ctx.state.nextStatusNumbers.delete(who.mspId);
      if ((err as { code?: unknown }).code !== 'STATUS_INDEX_TAKEN' || attempt >= RENUMBER_ATTEMPTS) throw err;
      continue;
    }
    ctx.state.nextStatusNumbers.set(who.mspId, next + drafts.length);
    const facts = r.value;
    return {
      items: signed.map((s) => ({ id: s.input.id, credential: s.jws, record: issuedRecord(parseIssueInput(s.input, 'certificate'), facts) })),
      txId: r.txId,
      blockNumber: r.blockNumber,
    };
  }
}

/**
 * Anchors an explicit batch: one transaction, all or nothing. Everything
 * this gateway anchors for one org runs one at a time, since each takes the
 * org's next numbers.
 */
export function anchorBatch(ctx: DomainContext, who: SigningIdentity, drafts: readonly Draft[]): Promise<AnchoredBatch> {
  return ctx.state.orgIssuance.run(who.mspId, () => anchorNow(ctx, who, drafts));
}

interface Waiter {
  draft: Draft;
  resolve: (r: Anchored & { txId: string; blockNumber: number }) => void;
  reject: (err: unknown) => void;
}

/** Single issuances of one user waiting for the org's turn. */
export interface PendingIssues {
  who: SigningIdentity;
  waiters: Waiter[];
}

/**
 * Anchors one certificate. Single issuances of the same user that arrive
 * while the org's previous transaction is on its way wait together and go
 * in the next transaction as one batch (group commit), so issuance keeps
 * its pace although every certificate takes the org's next number. The
 * transaction's creator is that user, as with a single issue. When a group
 * fails for a reason other than a conflict, its members are anchored one by
 * one, so one bad request fails alone.
 */
export function anchorOne(ctx: DomainContext, who: SigningIdentity, draft: Draft): Promise<Anchored & { txId: string; blockNumber: number }> {
  const groupKey = `${who.mspId}\u0000${who.certificatePem}`;
  return new Promise((resolve, reject) => {
    let group = ctx.state.pendingIssues.get(groupKey);
    if (!group) {
      group = { who, waiters: [] };
      ctx.state.pendingIssues.set(groupKey, group);
      void ctx.state.orgIssuance.run(who.mspId, () => flush(ctx, groupKey));
    }
    group.waiters.push({ draft, resolve, reject });
  });
}

async function flush(ctx: DomainContext, groupKey: string): Promise<void> {
  const group = ctx.state.pendingIssues.get(groupKey);
  if (!group) return;
  const waiters = group.waiters.splice(0, MAX_BATCH);
  if (group.waiters.length === 0) ctx.state.pendingIssues.delete(groupKey);
  else void ctx.state.orgIssuance.run(group.who.mspId, () => flush(ctx, groupKey));
  const settle = (ws: Waiter[], b: AnchoredBatch): void => ws.forEach((w, i) => w.resolve({ ...b.items[i], txId: b.txId, blockNumber: b.blockNumber }));
  try {
    settle(waiters, await anchorNow(ctx, group.who, waiters.map((w) => w.draft)));
  } catch (err) {
    if (waiters.length === 1) return waiters[0].reject(err);
    for (const w of waiters) {
      try {
        settle([w], await anchorNow(ctx, group.who, [w.draft]));
      } catch (one) {
        w.reject(one);
      }
    }
  }
}
