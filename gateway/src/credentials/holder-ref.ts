import { createHmac } from 'node:crypto';

/**
 * Normalises a resident ID number: strips spaces and hyphens, uppercases
 * the check character (X), so that the same person always maps to one ref.
 */
export function normaliseIdNumber(idNumber: string): string {
  return idNumber.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * A pseudonym for a person: HMAC-SHA256 under the consortium pepper, hex.
 * Without the pepper it cannot be brute-forced from the small ID-number space.
 */
export function pseudonym(pepper: string, idNumber: string): string {
  return createHmac('sha256', pepper).update(normaliseIdNumber(idNumber)).digest('hex');
}
