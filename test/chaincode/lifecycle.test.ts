import { expect } from 'chai';
import { CERTIFICATE_STATUSES, STATUS_ACTIONS, nextStatus, type StatusAction } from '../../chaincode/src/lifecycle';
import { CodedError } from '../../chaincode/src/errors';
import type { CertificateStatus } from '../../chaincode/src/models';

/**
 * The whole lifecycle table, written out by hand rather than derived from
 * the rule: every (status, action) pair either leads to the status named
 * here or is refused with INVALID_TRANSITION (409 through the API).
 */
const EXPECTED: Readonly<Record<CertificateStatus, Readonly<Record<StatusAction, CertificateStatus | 'refused'>>>> = {
  active: { suspend: 'suspended', reinstate: 'refused', revoke: 'revoked' },
  suspended: { suspend: 'refused', reinstate: 'active', revoke: 'revoked' },
  revoked: { suspend: 'refused', reinstate: 'refused', revoke: 'refused' },
};

/** The code `nextStatus` throws for a move, or undefined when it allows it. */
function refusalOf(current: CertificateStatus, action: StatusAction): string | undefined {
  try {
    nextStatus(current, action);
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(CodedError);
    return (err as CodedError).code;
  }
}

describe('certificate lifecycle (nextStatus)', function () {
  it('covers every status and action of the table', function () {
    expect([...CERTIFICATE_STATUSES].sort()).to.deep.equal(Object.keys(EXPECTED).sort());
    for (const s of CERTIFICATE_STATUSES) expect([...STATUS_ACTIONS].sort()).to.deep.equal(Object.keys(EXPECTED[s]).sort());
  });

  it('refuses to suspend a certificate that is already suspended', function () {
    expect(refusalOf('suspended', 'suspend')).to.equal('INVALID_TRANSITION');
    expect(() => nextStatus('suspended', 'suspend')).to.throw(/^INVALID_TRANSITION: cannot suspend a certificate that is suspended$/);
  });

  it('refuses to reinstate a certificate that is active', function () {
    expect(refusalOf('active', 'reinstate')).to.equal('INVALID_TRANSITION');
  });

  it('refuses every move from revoked, revoking again included', function () {
    for (const action of STATUS_ACTIONS) expect(refusalOf('revoked', action), action).to.equal('INVALID_TRANSITION');
  });

  it('allows exactly the moves of the table, to the status it names', function () {
    for (const current of CERTIFICATE_STATUSES) {
      for (const action of STATUS_ACTIONS) {
        const want = EXPECTED[current][action];
        if (want === 'refused') expect(refusalOf(current, action), `${action} from ${current}`).to.equal('INVALID_TRANSITION');
        else expect(nextStatus(current, action), `${action} from ${current}`).to.equal(want);
      }
    }
  });
});
