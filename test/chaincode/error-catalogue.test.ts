import { expect } from 'chai';
import { ERROR_CATALOGUE, ERROR_CODES, mayRetry, statusOf } from '../../chaincode/src/errors';

describe('the error catalogue', function () {
  it('gives every code an HTTP status and retry advice', function () {
    for (const code of ERROR_CODES) {
      expect(statusOf(code), code).to.be.within(400, 599);
      expect(['never', 'now', 'later'], code).to.include(ERROR_CATALOGUE[code].retry);
    }
  });

  it('advises a repeat only where nothing was written and a repeat may pass', function () {
    const retried = ERROR_CODES.filter((c) => mayRetry(c));
    expect(retried).to.have.members(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT', 'ENDORSEMENT_POLICY_FAILURE', 'RATE_LIMITED', 'LEDGER_UNAVAILABLE']);
    // Re-simulating at once helps a conflict only; the others want a pause.
    expect(ERROR_CODES.filter((c) => ERROR_CATALOGUE[c].retry === 'now')).to.have.members(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);
    expect(mayRetry('DUPLICATE_ID')).to.equal(false);
    expect(mayRetry('A_CODE_FROM_A_NEWER_GATEWAY')).to.equal(false);
    expect(mayRetry(undefined)).to.equal(false);
  });
});
