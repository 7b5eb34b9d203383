import { CodedError } from '../../../chaincode/src/errors';
import type { DomainContext } from './context';

/**
 * Look-ups by ID number one user may make per {@link HOLDER_SEARCH_WINDOW_MS}:
 * a clerk's day of work, far too few to walk the ID-number space behind a
 * masked number. Holder searches count one each; comparisons of a batch
 * with the ledger count one per row whose person did not match, since each
 * such row tested an ID number against a record.
 */
export const HOLDER_SEARCHES_PER_WINDOW = 300;
export const HOLDER_SEARCH_WINDOW_MS = 60 * 60_000;

/**
 * Counts `count` look-ups against `user` (org and subject of the token,
 * which a caller cannot change without another token): RATE_LIMITED, with
 * nothing counted, when they would take the user past the allowance.
 */
export function limitPersonLookups(ctx: DomainContext, user: string, now: number, count = 1): void {
  if (count <= 0) return;
  const recent = (ctx.state.holderSearches.get(user) ?? []).filter((t) => now - t < HOLDER_SEARCH_WINDOW_MS);
  if (recent.length + count > HOLDER_SEARCHES_PER_WINDOW) {
    // The look-ups that must age out first; a request larger than the allowance waits a whole window.
    const mustExpire = recent.length + count - HOLDER_SEARCHES_PER_WINDOW;
    const freedAt = mustExpire <= recent.length ? recent[mustExpire - 1] + HOLDER_SEARCH_WINDOW_MS : now + HOLDER_SEARCH_WINDOW_MS;
    const retryAfter = Math.max(1, Math.ceil((freedAt - now) / 1000));
    throw new CodedError(
      'RATE_LIMITED',
      `at most ${HOLDER_SEARCHES_PER_WINDOW} look-ups by ID number (searches by holder, compared rows whose person did not match) per user per hour; try again in ${retryAfter} s`,
      { retryAfter },
    );
  }
  for (let i = 0; i < count; i++) recent.push(now);
  ctx.state.holderSearches.delete(user);
  ctx.state.holderSearches.set(user, recent);
}
