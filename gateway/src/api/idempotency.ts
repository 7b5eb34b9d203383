import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { Level } from 'level';
import { principalOf } from './auth';
import { sendProblem } from './problem';

interface StoredAnswer {
  requestHash: string;
  status: number;
  contentType: string;
  body: unknown;
  at: number;
}

const TTL_MS = 24 * 60 * 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` for writes: the first answer (anything below 500) is kept
 * durably for 24 hours, and a retry with the same key and body gets it back
 * without touching the ledger. The same key with a different body is a 422.
 * Concurrent retries wait for the first.
 */
export class IdempotencyStore {
  readonly #db: Level<string, StoredAnswer>;
  readonly #inFlight = new Map<string, Promise<void>>();

  private constructor(db: Level<string, StoredAnswer>) {
    this.#db = db;
  }

  static async open(location: string): Promise<IdempotencyStore> {
    const db = new Level<string, StoredAnswer>(location, { valueEncoding: 'json' });
    await db.open();
    return new IdempotencyStore(db);
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  middleware(): RequestHandler {
    return async (req: Request, res: Response, next) => {
      const key = req.get('idempotency-key');
      if (key === undefined) return next();
      if (!KEY_PATTERN.test(key)) return sendProblem(res, 'VALIDATION_FAILED', 'Idempotency-Key must be 1-255 visible ASCII characters');
      const p = principalOf(res);
      const slot = createHash('sha256').update(`${p.mspId}\u0000${p.sub}\u0000${req.method} ${req.path}\u0000${key}`).digest('hex');
      const requestHash = createHash('sha256').update(JSON.stringify(req.body ?? null)).digest('hex');

      // Claim the slot synchronously after waiting, so concurrent retries queue behind the first.
      for (let waiting = this.#inFlight.get(slot); waiting; waiting = this.#inFlight.get(slot)) await waiting;
      let done!: () => void;
      const mine = new Promise<void>((resolve) => (done = resolve));
      this.#inFlight.set(slot, mine);
      const release = (): void => {
        if (this.#inFlight.get(slot) === mine) this.#inFlight.delete(slot);
        done();
      };

      const previous = await this.#db.get(slot);
      if (previous && Date.now() - previous.at < TTL_MS) {
        release();
        if (previous.requestHash !== requestHash) {
          return sendProblem(res, 'VALIDATION_FAILED', 'Idempotency-Key was already used with a different request body');
        }
        res.set('Idempotent-Replayed', 'true');
        return res.status(previous.status).type(previous.contentType).send(JSON.stringify(previous.body));
      }
      res.on('close', release);
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        if (res.statusCode >= 500) {
          release();
          return json(body);
        }
        const answer: StoredAnswer = {
          requestHash,
          status: res.statusCode,
          contentType: String(res.get('content-type') ?? 'application/json'),
          body,
          at: Date.now(),
        };
        this.#db.put(slot, answer).then(
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
