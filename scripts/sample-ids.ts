import { creditCodeCheckChar, residentIdCheckChar } from '../chaincode/src/identifiers';

/** Region codes (GB/T 2260) of a few districts, for sample data. */
const REGIONS = ['110101', '110105', '310104', '440305', '510107', '330106'];
const DAY_MS = 24 * 3600 * 1000;

/**
 * A well-formed mainland resident ID number for sample data and tests: a
 * real region code, a birth date from 1940 to 2009, a sequence number and the
 * GB 11643 check character. It names nobody; it only passes validation.
 */
export function sampleResidentId(random: () => number = Math.random): string {
  const region = REGIONS[Math.floor(random() * REGIONS.length)];
  const born = new Date(Date.UTC(1940, 0, 1) + Math.floor(random() * 25_500) * DAY_MS);
  const date = born.toISOString().slice(0, 10).replace(/-/g, '');
  const seq = String(Math.floor(random() * 1000)).padStart(3, '0');
  const first17 = `${region}${date}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * A well-formed unified social credit code of a foundation registered by
 * civil affairs (`53`), with the GB 32100 check character, for sample data.
 */
export function sampleCreditCode(random: () => number = Math.random): string {
  const digits = Array.from({ length: 9 }, () => Math.floor(random() * 10)).join('');
  const first17 = `53100000${digits}`;
  return first17 + creditCodeCheckChar(first17);
}
