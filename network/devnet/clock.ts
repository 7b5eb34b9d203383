import type { TxTimestamp } from './ledger-store';

// Wall-clock nanoseconds = a fixed origin + the monotonic high-resolution clock.
const originNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** The client's clock with nanosecond resolution, as a protobuf-style timestamp. */
export function nowTimestamp(): TxTimestamp {
  const ns = originNs + process.hrtime.bigint();
  return { seconds: Number(ns / 1_000_000_000n), nanos: Number(ns % 1_000_000_000n) };
}

/** RFC 3339 text of a timestamp, keeping all nine fractional digits. */
export function timestampToIso(ts: TxTimestamp): string {
  const whole = new Date(ts.seconds * 1000).toISOString(); // ...SS.000Z
  return `${whole.slice(0, -4)}${String(ts.nanos).padStart(9, '0')}Z`;
}
