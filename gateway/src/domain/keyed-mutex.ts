/**
 * Runs async work one at a time per key, in arrival order; different keys run
 * concurrently. The gateway uses it to serialise submits that touch the same
 * hot ledger keys: under MVCC only one of several concurrent writers of a key
 * commits per block, so queueing them here beats retrying conflicts.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `work` after every earlier `run` with the same key has settled. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last in line removes the key, so idle keys do not accumulate.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys with work running or queued. */
  get size(): number {
    return this.#tails.size;
  }
}
