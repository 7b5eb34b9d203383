import { expect } from 'chai';
import { createRequire } from 'node:module';
import { createCA, enrol } from '../../network/pki';
import { memoizeCertificateParsing } from '../../network/devnet/chaincode';

/** The one process-wide patch the engine keeps: fabric-shim's certificate parser, memoised per PEM. */
const fidm = createRequire(require.resolve('fabric-shim'))('@fidm/x509') as {
  Certificate: { fromPEM(data: Buffer | string): { subject: { commonName: string }; serialNumber: string } };
};

describe('the memoised certificate parse of fabric-shim', function () {
  it('answers each PEM with its own certificate, parsed once, for text and bytes alike', async function () {
    memoizeCertificateParsing();
    const ca = await createCA({ commonName: 'memo-ca', organization: 'Memo' });
    const [a, b] = await Promise.all(['memo-a', 'memo-b'].map((cn) => enrol(ca, { commonName: cn, nodeRole: 'client' })));
    const first = fidm.Certificate.fromPEM(a.certificatePem);
    expect(first.subject.commonName).to.equal('memo-a');
    expect(fidm.Certificate.fromPEM(Buffer.from(a.certificatePem, 'latin1'))).to.equal(first);
    const other = fidm.Certificate.fromPEM(b.certificatePem);
    expect(other.subject.commonName).to.equal('memo-b');
    expect(other.serialNumber).to.not.equal(first.serialNumber);
  });
});
