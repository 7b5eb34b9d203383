import '../support/setup';
import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { ClientIdentity } from 'fabric-shim';
import * as x509 from '@peculiar/x509';
import {
  clientIdOf,
  createCA,
  enrol,
  FABRIC_ATTRS_OID,
  sha256,
  signDigest,
  signDigestAsync,
  verifyIssuedBy,
  verifySignature,
  verifySignatureAsync,
} from '../../network/pki';
import type { CertifiedKey } from '../../network/pki/types';

use(chaiAsPromised);

/** Converts a DER ECDSA signature to the IEEE P1363 form WebCrypto takes (r || s, 32 bytes each). */
function derToP1363(der: Buffer): Buffer {
  let o = der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2;
  const integer = (): Buffer => {
    if (der[o] !== 0x02) throw new Error('not a DER INTEGER');
    const len = der[o + 1];
    let v = der.subarray(o + 2, o + 2 + len);
    o += 2 + len;
    while (v.length > 32 && v[0] === 0) v = v.subarray(1);
    return Buffer.concat([Buffer.alloc(32 - v.length), v]);
  };
  const r = integer();
  return Buffer.concat([r, integer()]);
}

/** The minimal stub ClientIdentity needs: channel, tx id and creator. */
function identityOf(mspid: string, certificatePem: string): ClientIdentity {
  const stub = {
    getChannelID: () => 'ch',
    getTxID: () => 'tx',
    getCreator: () => ({ mspid, idBytes: Buffer.from(certificatePem, 'utf8') }),
  };
  return new ClientIdentity(stub as unknown as ConstructorParameters<typeof ClientIdentity>[0]);
}

describe('pki', () => {
  let ca: CertifiedKey;
  let user: CertifiedKey;

  before(async () => {
    ca = await createCA({ commonName: 'ca.civil', organization: 'Civil Affairs' });
    user = await enrol(ca, { commonName: 'clerk1', nodeRole: 'client', attrs: { role: 'issuer,admin', dept: 'd-01' } });
  });

  it('creates a self-signed P-256 CA certificate with CA constraints and a PKCS#8 key', () => {
    const cert = new X509Certificate(ca.certificatePem);
    expect(cert.ca).to.equal(true);
    expect(cert.subject).to.equal('CN=ca.civil\nO=Civil Affairs');
    expect(cert.checkIssued(cert)).to.equal(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).to.equal('prime256v1');
    expect(ca.privateKeyPem).to.match(/^-----BEGIN PRIVATE KEY-----/);
    const parsed = new x509.X509Certificate(ca.certificatePem);
    const usage = parsed.getExtension(x509.KeyUsagesExtension);
    expect(usage?.usages).to.equal(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).to.be.a('string');
  });

  it('enrols a certificate with subject CN, OU and the CA\'s O, signed by the CA and naming its key', () => {
    const cert = new X509Certificate(user.certificatePem);
    expect(cert.subject).to.equal('CN=clerk1\nOU=client\nO=Civil Affairs');
    expect(cert.ca).to.equal(false);
    expect(cert.verify(new X509Certificate(ca.certificatePem).publicKey)).to.equal(true);
    const parsed = new x509.X509Certificate(user.certificatePem);
    const caKeyId = new x509.X509Certificate(ca.certificatePem).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).to.equal(caKeyId);
    expect(parsed.getExtension(x509.KeyUsagesExtension)?.usages).to.equal(x509.KeyUsageFlags.digitalSignature);
  });

  it('writes the attributes as raw JSON bytes in a non-critical 1.2.3.4.5.6.7.8.1 extension', () => {
    const ext = new x509.X509Certificate(user.certificatePem).getExtension(FABRIC_ATTRS_OID);
    expect(ext).to.not.equal(null);
    expect(ext!.critical).to.equal(false);
    expect(Buffer.from(ext!.value).toString('utf8')).to.equal('{"attrs":{"role":"issuer,admin","dept":"d-01"}}');
  });

  it('leaves the attribute extension out when no attrs are given', async () => {
    const plain = await enrol(ca, { commonName: 'peer0', nodeRole: 'peer' });
    expect(new x509.X509Certificate(plain.certificatePem).getExtension(FABRIC_ATTRS_OID)).to.equal(null);
    expect(identityOf('CivilMSP', plain.certificatePem).getAttributeValue('role')).to.equal(null);
  });

  it('round-trips attributes through fabric-shim\'s ClientIdentity', () => {
    const id = identityOf('CivilMSP', user.certificatePem);
    expect(id.getAttributeValue('role')).to.equal('issuer,admin');
    expect(id.getAttributeValue('dept')).to.equal('d-01');
    expect(id.getAttributeValue('charity')).to.equal(null);
    expect(id.assertAttributeValue('role', 'issuer,admin')).to.equal(true);
    expect(id.getMSPID()).to.equal('CivilMSP');
    expect(id.getID()).to.equal('x509::/CN=clerk1/OU=client/O=Civil Affairs::/CN=ca.civil/O=Civil Affairs');
  });

  it('names an identity exactly as ClientIdentity.getID() does, slash escaping included', async () => {
    const slashCa = await createCA({ commonName: 'ca/one', organization: 'Dept/A/B' });
    const odd = await enrol(slashCa, { commonName: 'a/b/c', nodeRole: 'admin' });
    for (const pem of [user.certificatePem, ca.certificatePem, odd.certificatePem]) {
      expect(clientIdOf(pem)).to.equal(identityOf('M', pem).getID());
    }
    expect(clientIdOf(odd.certificatePem)).to.equal('x509::/CN=a\\/b/c/OU=admin/O=Dept\\/A/B::/CN=ca\\/one/O=Dept\\/A/B');
  });

  it('never starts a certificate before its CA, as Fabric checks the chain at the certificate\'s notBefore', async () => {
    // A CA like cryptogen's, whose notBefore was rounded up to the minute: later than now minus five minutes.
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const caNotBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=ca.rounded, O=Rounded',
      notBefore: caNotBefore,
      notAfter: new Date(Date.now() + 86_400_000),
      keys,
      signingAlgorithm: alg,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const rounded: CertifiedKey = { certificatePem: caCert.toString('pem'), privateKeyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
    const issued = new X509Certificate((await enrol(rounded, { commonName: 'u', nodeRole: 'client' })).certificatePem);
    expect(Date.parse(issued.validFrom)).to.be.at.least(caNotBefore.getTime());
    expect(await verifyIssuedBy(issued.toString(), rounded.certificatePem)).to.equal(true);
  });

  it('verifies issuance by the right CA and rejects a certificate from another CA', async () => {
    const other = await createCA({ commonName: 'ca.civil', organization: 'Civil Affairs' });
    expect(await verifyIssuedBy(user.certificatePem, ca.certificatePem)).to.equal(true);
    expect(await verifyIssuedBy(user.certificatePem, other.certificatePem)).to.equal(false);
    expect(await verifyIssuedBy('not a certificate', ca.certificatePem)).to.equal(false);
  });

  it('signs digests with ECDSA P-256/SHA-256 that WebCrypto verifies, and rejects altered data', async () => {
    const digest = sha256('proposal bytes');
    const signature = signDigest(user.privateKeyPem, digest);
    expect(verifySignature(user.certificatePem, digest, signature)).to.equal(true);
    expect(verifySignature(user.certificatePem, sha256('other bytes'), signature)).to.equal(false);
    expect(verifySignature(ca.certificatePem, digest, signature)).to.equal(false);
    expect(verifySignature(user.certificatePem, digest, Buffer.from('garbage'))).to.equal(false);

    // Independent check of the algorithm: WebCrypto ECDSA with SHA-256 over the same bytes.
    const spki = new X509Certificate(user.certificatePem).publicKey.export({ type: 'spki', format: 'der' });
    const key = await webcrypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    expect(await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, derToP1363(signature), digest)).to.equal(true);
  });

  it('signs and verifies off the event loop with the same results', async () => {
    const digest = sha256('async');
    const signature = await signDigestAsync(user.privateKeyPem, digest);
    expect(await verifySignatureAsync(user.certificatePem, digest, signature)).to.equal(true);
    expect(verifySignature(user.certificatePem, digest, signature)).to.equal(true);
    expect(await verifySignatureAsync(user.certificatePem, sha256('tampered'), signature)).to.equal(false);
    expect(await verifySignatureAsync(ca.certificatePem, digest, signature)).to.equal(false);
  });

  it('rejects malformed requests with TypeError', async () => {
    await expect(enrol(ca, { commonName: '', nodeRole: 'client' })).to.be.rejectedWith(TypeError, 'commonName');
    await expect(enrol(ca, { commonName: 'x', nodeRole: 'boss' as 'client' })).to.be.rejectedWith(TypeError, 'nodeRole');
    await expect(createCA({ commonName: 'ca', organization: '' })).to.be.rejectedWith(TypeError, 'organization');
  });
});
