import { createHmac } from 'node:crypto';
import type { PersonDocument } from '../../../chaincode/src/identifiers';

/**
 * A pseudonym for a person: HMAC-SHA256 under the consortium pepper, hex,
 * of the checked document key (never empty; resident IDs bare, other kinds
 * prefixed with their kind). Without the pepper it cannot be brute-forced
 * from the small ID-number space.
 */
export function pseudonym(pepper: string, person: PersonDocument): string {
  return createHmac('sha256', pepper).update(person.key).digest('hex');
}
