/** Limits at which the orderer cuts a block. */
export interface CutLimits {
  maxTx: number;
  maxBytes: number;
  timeoutMs: number;
}

/**
 * The orderer's block cutter: queues transactions and cuts a batch when it
 * reaches `maxTx`, when the next transaction would push it past `maxBytes`
 * (a single larger transaction gets a block of its own), or `timeoutMs`
 * after the batch's first transaction arrived.
 */
export class BlockCutter<T> {
  readonly #limits: CutLimits;
  readonly #onCut: (batch: T[]) => void;
  #pending: T[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(limits: CutLimits, onCut: (batch: T[]) => void) {
    this.#limits = limits;
    this.#onCut = onCut;
  }

  get pending(): number {
    return this.#pending.length;
  }

  add(item: T, size: number): void {
    if (this.#pending.length > 0 && this.#bytes + size > this.#limits.maxBytes) this.cut();
    this.#pending.push(item);
    this.#bytes += size;
    if (this.#pending.length >= this.#limits.maxTx || this.#bytes >= this.#limits.maxBytes) {
      this.cut();
    } else if (this.#pending.length === 1) {
      this.#timer = setTimeout(() => this.cut(), this.#limits.timeoutMs);
    }
  }

  /** Cuts whatever is pending now. */
  cut(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#bytes = 0;
    this.#onCut(batch);
  }
}
