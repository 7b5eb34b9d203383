import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import type { Level } from 'level';
import { openLevel } from '../../../network/devnet/open-level';
import { makePrivateDir, readOrCreateJson } from '../fs-store';
import { DERIVED_ID_PREFIX } from '../domain/calls';
import type { Principal } from '../auth/principal';
import { principalOf } from './auth';
import { sendProblem } from './problem';
import { mayRetry } from '../../../chaincode/src/errors';
import type { CredentialKeeper } from '../domain/issuance';

/** A stored first answer. Its status, type and body are sealed: they may hold a credential with a name and ID number. */
interface StoredAnswer {
  requestHash: string;
  at: number;
  /** base64 of IV (12 bytes) ‖ GCM tag (16 bytes) ‖ ciphertext of `{status, contentType, body}`. */
  sealed: string;
}

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

const TTL_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const ANSWER = 'a:';
/** A credential signed for a slot, kept before it is anchored: `k:<slot>:<certificate id>`. */
const KEPT = 'k:';

const EXPIRY = 'x:';
const expiryKey = (at: number, slot: string): string => `${EXPIRY}${String(at).padStart(15, '0')}:${slot}`;

/**
 * Whose a key is: the org (its MSP ID), the user, the charity a charity user
 * acts for, and the route. A user acting for another charity, or another
 * user of the org, sending the same key makes a request of its own, never a
 * replay of someone else's record. Every part is NUL-free (sub and charity
 * are identifiers, the key visible ASCII), so the fields cannot run into one
 * another; without a charity the slot is what it was before charities
 * counted, so answers stored then still replay.
 */
export function slotOf(p: Pick<Principal, 'mspId' | 'sub' | 'charity'>, route: string, key: string): string {
  const parts = [p.mspId, p.sub, route, key];
  if (p.charity !== undefined) parts.push('charity', p.charity);
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * `Idempotency-Key` for writes: the first answer (anything below 500 but a
 * transient conflict) is kept durably for 24 hours, and a retry with the
 * same key and body gets it back without touching the ledger. The same key
 * with a different body is a 400. Concurrent retries wait for the first.
 *
 * Answers are sealed with AES-256-GCM under a key kept in the data directory
 * (`secrets/idempotency.key`, mode 0600), so the issued credential and
 * everything else an answer carries never lie at rest in the clear; expired
 * entries are deleted on open and every hour.
 */
export class IdempotencyStore {
  readonly #db: Level<string, StoredAnswer | ''>;
  readonly #key: Buffer;
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #timer: NodeJS.Timeout;

  private constructor(db: Level<string, StoredAnswer | ''>, key: Buffer) {
    this.#db = db;
    this.#key = key;
    this.#timer = setInterval(() => void this.purge().catch(() => undefined), PURGE_EVERY_MS);
    this.#timer.unref();
  }

  /** Opens the store in `<dataDir>/gateway/idempotency`, with its sealing key in `<dataDir>/secrets`. */
  static async open(dataDir: string): Promise<IdempotencyStore> {
    const { key } = await readOrCreateJson(path.join(dataDir, 'secrets', 'idempotency-key.json'), () => ({ key: randomBytes(32).toString('base64') }));
    const location = path.join(dataDir, 'gateway', 'idempotency');
    await makePrivateDir(location);
    const db = await openLevel<string, StoredAnswer | ''>(location, { valueEncoding: 'json' });
    const store = new IdempotencyStore(db, Buffer.from(key, 'base64'));
    await store.#dropUnsealed();
    await store.purge();
    return store;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#db.close();
  }

  /** Deletes every answer older than the 24-hour window; returns how many. */
  async purge(now = Date.now()): Promise<number> {
    const cutoff = now - TTL_MS;
    const batch = this.#db.batch();
    let n = 0;
    for await (const k of this.#db.keys({ gt: EXPIRY, lt: expiryKey(cutoff, '\uffff') })) {
      batch.del(k);
      const rest = k.slice(EXPIRY.length + 16);
      const answerKey = rest.startsWith(KEPT) ? rest : `${ANSWER}${rest}`;
      // A slot answered again after it expired has a newer entry; only the old one goes.
      const answer = await this.#db.get(answerKey);
      if (answer && answer.at <= cutoff) {
        batch.del(answerKey);
        n++;
      }
    }
    await batch.write();
    return n;
  }

  /** Deletes entries of the earlier format, which kept whole answers in the clear. */
  async #dropUnsealed(): Promise<void> {
    const batch = this.#db.batch();
    for await (const k of this.#db.keys()) if (!k.startsWith(ANSWER) && !k.startsWith(EXPIRY) && !k.startsWith(KEPT)) batch.del(k);
    await batch.write();
  }

  /** Seals `value` as JSON, bound to `aad` (the store key it is kept under), so an entry cannot be moved to another slot. */
  #seal(aad: string, value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
  }

  #open<T = Answer>(aad: string, sealed: string): T {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as T;
  }

  /**
   * Where the credentials of one idempotent request are kept before they are
   * anchored (undefined without an Idempotency-Key). A crash between commit
   * and stored answer then leaves the signed credential here, sealed, and
   * the retry answers it instead of a 409: the credential cannot be signed
   * again identically, and the ledger holds only its digest.
   */
  keeperFor(res: Response): CredentialKeeper | undefined {
    const slot = res.locals.idempotencySlot as string | undefined;
    if (!slot) return undefined;
    // Every credential signed for the slot is kept (a retry signs anew before it learns the first committed).
    const prefixOf = (id: string): string => `${KEPT}${slot}\u0000${id}\u0000`;
    return {
      keep: async (id, credential) => {
        const at = Date.now();
        const k = `${prefixOf(id)}${createHash('sha256').update(credential).digest('hex')}`;
        await this.#db.batch([
          { type: 'put', key: k, value: { requestHash: '', at, sealed: this.#seal(k, { credential }) } },
          { type: 'put', key: expiryKey(at, k), value: '' },
        ]);
      },
      recall: async (id) => {
        const found: string[] = [];
        const prefix = prefixOf(id);
        for await (const [k, kept] of this.#db.iterator({ gte: prefix, lt: `${prefix}\uffff`, limit: 64 })) {
          if (kept && Date.now() - kept.at < TTL_MS) found.push(this.#open<{ credential: string }>(k, kept.sealed).credential);
        }
        return found;
      },
    };
  }

  async #put(slot: string, requestHash: string, answer: Answer): Promise<void> {
    const at = Date.now();
    await this.#db.batch([
      { type: 'put', key: `${ANSWER}${slot}`, value: { requestHash, at, sealed: this.#seal(slot, answer) } },
      { type: 'put', key: expiryKey(at, slot), value: '' },
    ]);
  }

  middleware(): RequestHandler {
    return async (req: Request, res: Response, next) => {
      const key = req.get('idempotency-key');
      if (key === undefined) return next();
      if (!KEY_PATTERN.test(key)) return sendProblem(res, 'VALIDATION_FAILED', 'Idempotency-Key must be 1-255 visible ASCII characters');
      const slot = slotOf(principalOf(res), `${req.method} ${req.path}`, key);
      const requestHash = createHash('sha256').update(JSON.stringify(req.body ?? null)).digest('hex');
      res.locals.idempotencySlot = slot;

      // Claim the slot synchronously after waiting, so concurrent retries queue behind the first.
      for (let waiting = this.#inFlight.get(slot); waiting; waiting = this.#inFlight.get(slot)) await waiting;
      let done!: () => void;
      const mine = new Promise<void>((resolve) => (done = resolve));
      this.#inFlight.set(slot, mine);
      const release = (): void => {
        if (this.#inFlight.get(slot) === mine) this.#inFlight.delete(slot);
        done();
      };

      let previous: StoredAnswer | '' | undefined;
      try {
        previous = await this.#db.get(`${ANSWER}${slot}`);
      } catch (err) {
        // A slot whose store read failed must not stay claimed.
        release();
        return next(err);
      }
      if (previous && Date.now() - previous.at < TTL_MS) {
        release();
        if (previous.requestHash !== requestHash) {
          return sendProblem(res, 'VALIDATION_FAILED', 'Idempotency-Key was already used with a different request body');
        }
        const answer = this.#open(slot, previous.sealed);
        res.set('Idempotent-Replayed', 'true');
        return res.status(answer.status).type(answer.contentType).send(JSON.stringify(answer.body));
      }
      res.on('close', release);
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        const code = (body as { code?: unknown } | null)?.code;
        if (res.statusCode >= 500 || (typeof code === 'string' && mayRetry(code))) {
          release();
          return json(body);
        }
        const answer: Answer = { status: res.statusCode, contentType: String(res.get('content-type') ?? 'application/json'), body };
        this.#put(slot, requestHash, answer).then(
          () => {
            release();
            json(body);
          },
          (err: unknown) => {
            release();
            res.status(503);
            json({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: `could not record the idempotent answer: ${String(err)}`, code: 'LEDGER_UNAVAILABLE' });
          },
        );
        return res;
      };
      next();
    };
  }
}

/**
 * Fills in the ids a create request left out, derived from the slot (see
 * {@link slotOf}) and the item's place in a batch, so that a retry after a
 * crash between commit and stored answer meets the record it already wrote
 * instead of writing a second one under a fresh id.
 * Without a key, the body is returned as it is.
 */
export function withDerivedIds(res: Response, body: unknown, batch = false): unknown {
  const slot = res.locals.idempotencySlot as string | undefined;
  if (!slot || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const id = (i: number): string => `${DERIVED_ID_PREFIX}${createHash('sha256').update(`${slot}\u0000${i}`).digest('hex').slice(0, 40)}`;
  const fill = (item: unknown, i: number): unknown =>
    item !== null && typeof item === 'object' && !Array.isArray(item) && (item as { id?: unknown }).id === undefined ? { ...item, id: id(i) } : item;
  const b = body as Record<string, unknown>;
  if (!batch) return fill(b, 0);
  return Array.isArray(b.items) ? { ...b, items: b.items.map(fill) } : b;
}
