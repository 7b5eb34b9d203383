/**
 * `POST /api/v1/verify`, as every public page asks it: without the user's
 * token (the check needs none, and a stale one must not send the reader to
 * the login page). An unreachable ledger throws an ApiError whose
 * `unreachable` is true: the pages say "cannot be checked now", never "invalid".
 */
import { api } from '../../lib/api';
import type { Verdict } from '../../lib/types';

/** The person a verifier has in front of them, for the optional holder check. */
export interface HolderCheck {
  idNumber: string;
  name?: string;
}

/** The gateway's verdict on a compact JWS. */
export async function verifyCredential(credential: string, options: { holder?: HolderCheck; signal?: AbortSignal } = {}): Promise<Verdict> {
  const body: { credential: string; holder?: HolderCheck } = { credential };
  if (options.holder !== undefined) body.holder = options.holder;
  return api<Verdict>('POST', '/api/v1/verify', { body, auth: false, signal: options.signal });
}
