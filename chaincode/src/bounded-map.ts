/**
 * A Map that holds at most `max` entries, dropping the least recently used
 * one when a new key would pass the bound: the one cache of the codebase, for
 * memos whose keys callers choose (certificates, tokens, schemas, charities),
 * so memory stays flat whatever they send. Reading an entry (`get`) makes it
 * the most recent; `has` does not.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly max: number;

  constructor(max: number) {
    super();
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`a bounded map holds at least 1 entry, not ${max}`);
    this.max = max;
  }

  override get(key: K): V | undefined {
    if (!super.has(key)) return undefined;
    const value = super.get(key) as V;
    super.delete(key);
    super.set(key, value);
    return value;
  }

  override set(key: K, value: V): this {
    if (super.has(key)) super.delete(key);
    else if (this.size >= this.max) {
      const oldest = this.keys().next();
      if (!oldest.done) super.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
