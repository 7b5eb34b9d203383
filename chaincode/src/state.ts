import type { Context } from 'fabric-contract-api';
import { encode, decode } from './codec';
import { CodedError, type ErrorCode } from './errors';
import type { Page } from './models';

/** Value stored under index keys; Fabric treats an empty value as a delete. */
export const INDEX_VALUE = Buffer.from([0]);

/** Builds a composite key. */
export function key(ctx: Context, objectType: string, attrs: string[]): string {
  return ctx.stub.createCompositeKey(objectType, attrs);
}

/** Reads and decodes a JSON value, or undefined. */
export async function readJson<T>(ctx: Context, k: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(k);
  if (!bytes || bytes.length === 0) return undefined;
  return decode<T>(bytes);
}

/** Reads a JSON value or throws `code`. */
export async function mustRead<T>(ctx: Context, k: string, code: ErrorCode, what: string): Promise<T> {
  const value = await readJson<T>(ctx, k);
  if (value === undefined) throw new CodedError(code, `${what} not found`);
  return value;
}

/** Writes a value as canonical JSON. */
export async function writeJson(ctx: Context, k: string, value: unknown): Promise<void> {
  await ctx.stub.putState(k, encode(value));
}

/** True when a key holds a value. */
export async function exists(ctx: Context, k: string): Promise<boolean> {
  const bytes = await ctx.stub.getState(k);
  return !!bytes && bytes.length > 0;
}

/**
 * Pages through a composite-key index, loading and filtering each entry.
 * The cursor is Fabric's bookmark: the key the next page starts from. A
 * bookmark outside the listing's own prefix is refused, so a caller can
 * neither page through another listing (another charity's index) nor make
 * a scan start at an arbitrary key.
 */
export async function pageIndex<T>(
  ctx: Context,
  objectType: string,
  attrs: string[],
  limit: number,
  cursor: string,
  load: (indexKey: string, value: Uint8Array) => Promise<T | undefined>,
): Promise<Page<T>> {
  if (cursor !== '' && !cursor.startsWith(ctx.stub.createCompositeKey(objectType, attrs))) {
    throw new CodedError('VALIDATION_FAILED', 'cursor does not belong to this listing');
  }
  const items: T[] = [];
  let bookmark = cursor;
  const chunk = Math.min(limit + 1, 500);
  for (;;) {
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(objectType, attrs, chunk, bookmark);
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        if (items.length === limit) return { items, nextCursor: r.value.key };
        const item = await load(r.value.key, r.value.value);
        if (item !== undefined) items.push(item);
      }
    } finally {
      await iterator.close();
    }
    // fabric-shim omits the metadata of an empty last page (it serialises to no bytes).
    if (!metadata?.bookmark || metadata.fetchedRecordsCount < chunk) return { items };
    bookmark = metadata.bookmark;
  }
}
