import type { SigningIdentity } from '../../../network/pki/types';
import type { Committed, Ledger } from './ledger';
import { CodedError, ERROR_CATALOGUE } from '../../../chaincode/src/errors';

/**
 * Submits, re-simulating after an MVCC or phantom conflict up to `retries`
 * times with a short jittered back-off; the last conflict is rethrown.
 * `onRetry` hears of each re-simulation (for metrics), before its back-off.
 */
export async function submitWithRetry(
  ledger: Ledger,
  identity: SigningIdentity,
  fn: string,
  args: string[],
  retries: number,
  onRetry: (err: CodedError) => void = () => {},
): Promise<Committed> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ledger.submit(identity, fn, args);
    } catch (err) {
      if (!(err instanceof CodedError) || ERROR_CATALOGUE[err.code].retry !== 'now' || attempt >= retries) throw err;
      onRetry(err);
      const delay = Math.min(50, 2 ** attempt) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
