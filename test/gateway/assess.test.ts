import { expect } from 'chai';
import type { CertificateRecord, CertificateType, IssuerKey } from '../../chaincode/src/models';
import {
  assess,
  assessReference,
  isAnchored,
  parseCredential,
  publicCertificate,
  type AssessContext,
  type ParsedCredential,
  type Verdict,
} from '../../gateway/src/domain/assess';
import { digestOf } from '../../gateway/src/credentials/vc';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const KID = '2026-01-01-abcd1234';
const DIGEST = 'd'.repeat(64);
const CLERK = 'x509::/OU=client/OU=civil/CN=clerk1::/C=CN/O=civil.example/CN=ca.civil.example';

const key = (over: Partial<IssuerKey> = {}): IssuerKey => ({
  kid: KID,
  mspId: 'CivilAffairsMSP',
  jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
  status: 'active',
  activatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const lowIncome: CertificateType = {
  type: 'low-income-household',
  title: 'Low-income household',
  issuerMsps: ['CivilAffairsMSP'],
  schema: { type: 'object' },
};

const record = (over: Partial<CertificateRecord> = {}): CertificateRecord => ({
  id: 'cert-1',
  type: 'low-income-household',
  issuerMsp: 'CivilAffairsMSP',
  issuerKid: KID,
  holderRef: 'b'.repeat(64),
  digest: DIGEST,
  digestAlg: 'sha-256',
  status: 'active',
  issuedAt: '2026-02-03T04:05:06.000Z',
  validFrom: '2026-02-03T04:05:06.000Z',
  validUntil: '2027-02-03T04:05:06.000Z',
  updatedAt: '2026-03-04T05:06:07.000Z',
  updatedBy: { mspId: 'CivilAffairsMSP', id: CLERK },
  issueTxId: 'tx-issue-1',
  ...over,
});

const parsed = (over: Partial<ParsedCredential> = {}): ParsedCredential => ({
  kid: KID,
  certId: 'cert-1',
  issuerId: 'urn:civic:issuer:CivilAffairsMSP',
  digest: DIGEST,
  ...over,
});

/** A context in which every check passes. */
const context = (over: Partial<AssessContext> = {}): AssessContext => ({ record: record(), key: key(), type: lowIncome, signatureValid: true, blockNumber: 42, ...over });

const checkOf = (v: Verdict, name: string) => {
  const c = v.checks.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} check`);
  return c;
};
const passed = (v: Verdict) => v.checks.filter((c) => c.ok).map((c) => c.name);

/** Asserts that nothing the ledger record holds appears anywhere in the verdict. */
function expectNothingOfTheRecord(v: Verdict, r: CertificateRecord): void {
  expect(v).to.not.have.any.keys('certificate', 'anchor');
  expect(v.status).to.equal('unknown');
  const text = JSON.stringify(v);
  const secrets = [r.holderRef, r.issuedAt, r.validFrom, r.updatedAt, r.issueTxId, r.type, r.updatedBy.id, 'clerk1', 'updatedBy'];
  if (r.validUntil) secrets.push(r.validUntil);
  if (r.statusReason) secrets.push(r.statusReason);
  if (r.status !== 'active') secrets.push(r.status);
  for (const s of secrets) expect(text, s).to.not.include(s);
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const jws = (header: Record<string, unknown>, payload: Record<string, unknown>): string => `${b64(header)}.${b64(payload)}.${'A'.repeat(86)}`;
const HEADER = { alg: 'ES256', typ: 'vc+jwt', kid: KID };

describe('parseCredential', function () {
  it('reads kid, certificate id, issuer and the digest of the exact JWS', function () {
    const token = jws(HEADER, { id: 'urn:civic:cert:cert-1', issuer: { id: 'urn:civic:issuer:CivilAffairsMSP', name: 'Civil Affairs' } });
    expect(parseCredential(token)).to.deep.equal({ kid: KID, certId: 'cert-1', issuerId: 'urn:civic:issuer:CivilAffairsMSP', digest: digestOf(token) });
  });

  it('calls a credential malformed when its id after the prefix is empty or breaks the ledger id rule', function () {
    for (const id of ['urn:civic:cert:', 'urn:civic:cert:has spaces', 'urn:civic:cert:a/b', 'urn:civic:cert:-x', `urn:civic:cert:${'a'.repeat(129)}`]) {
      expect(parseCredential(jws(HEADER, { id, issuer: 'x' })), id).to.be.a('string').that.matches(/identifier/);
    }
  });

  it('calls a credential malformed when its kid is missing, empty or breaks the ledger id rule', function () {
    for (const kid of [undefined, '', 'a b', '../k', 7]) {
      expect(parseCredential(jws({ ...HEADER, kid }, { id: 'urn:civic:cert:c1', issuer: 'x' })), String(kid)).to.be.a('string').that.matches(/kid/);
    }
  });

  it('calls a credential malformed for another alg or typ, a missing issuer or a non-JWS', function () {
    expect(parseCredential(jws({ ...HEADER, alg: 'none' }, { id: 'urn:civic:cert:c1', issuer: 'x' }))).to.match(/alg/);
    expect(parseCredential(jws({ ...HEADER, typ: 'JWT' }, { id: 'urn:civic:cert:c1', issuer: 'x' }))).to.match(/typ/);
    expect(parseCredential(jws(HEADER, { id: 'urn:civic:cert:c1' }))).to.match(/issuer/);
    expect(parseCredential('not-a-jws')).to.equal('not a compact JWS');
  });
});

describe('assess', function () {
  describe('before the signature verifies', function () {
    it('fails only the format check of a malformed credential and checks nothing else', function () {
      const v = assess('not a compact JWS', { signatureValid: false }, NOW);
      expect(v).to.deep.equal({
        valid: false,
        status: 'unknown',
        checks: [
          { name: 'format', ok: false, detail: 'not a compact JWS' },
          { name: 'signature', ok: false, detail: 'not checked: the credential is malformed' },
          { name: 'issuer', ok: false, detail: 'not checked: the credential is malformed' },
          { name: 'anchor', ok: false, detail: 'not checked: the credential is malformed' },
          { name: 'status', ok: false, detail: 'not checked: the credential is malformed' },
          { name: 'validity', ok: false, detail: 'not checked: the credential is malformed' },
        ],
      });
    });

    it('fails the signature of a credential whose kid is not registered, and reads nothing of the record', function () {
      const r = record({ status: 'suspended', statusReason: 'eligibility review' });
      const v = assess(parsed(), context({ record: r, key: undefined, signatureValid: false }), NOW);
      expect(passed(v)).to.deep.equal(['format']);
      expect(checkOf(v, 'signature').detail).to.equal(`key ${KID} is not in the issuer registry`);
      for (const name of ['issuer', 'anchor', 'status', 'validity']) {
        expect(checkOf(v, name).detail).to.equal('not checked: the signature did not verify');
      }
      expectNothingOfTheRecord(v, r);
    });

    it('fails the signature of a forgery and reveals neither the record, its status, its reason nor the clerk', function () {
      const r = record({ status: 'suspended', statusReason: 'eligibility review' });
      const v = assess(parsed({ issuerId: 'x', digest: 'e'.repeat(64) }), context({ record: r, signatureValid: false }), NOW);
      expect(v.valid).to.equal(false);
      expect(passed(v)).to.deep.equal(['format']);
      expect(checkOf(v, 'signature')).to.deep.equal({ name: 'signature', ok: false, detail: `signature does not verify with key ${KID}` });
      for (const name of ['issuer', 'anchor', 'status', 'validity']) {
        expect(checkOf(v, name)).to.deep.equal({ name, ok: false, detail: 'not checked: the signature did not verify' });
      }
      expectNothingOfTheRecord(v, r);
    });

    it('gives a forgery the same verdict whether or not a record exists for its id', function () {
      const forgery = parsed({ issuerId: 'x' });
      const withRecord = assess(forgery, context({ record: record({ status: 'revoked', statusReason: 'fraud' }), signatureValid: false }), NOW);
      const without = assess(forgery, context({ record: undefined, type: undefined, signatureValid: false }), NOW);
      expect(withRecord).to.deep.equal(without);
    });

    it('treats a context without a key as an unverified signature even if it claims otherwise', function () {
      const v = assess(parsed(), context({ key: undefined, signatureValid: true }), NOW);
      expect(checkOf(v, 'signature').ok).to.equal(false);
      expectNothingOfTheRecord(v, record());
    });
  });

  describe('signature verifies, anchor fails', function () {
    it('fails the anchor when the ledger has no record for the id, leaving issuer, status and validity unchecked', function () {
      const v = assess(parsed(), context({ record: undefined, type: undefined, blockNumber: undefined }), NOW);
      expect(v).to.deep.equal({
        valid: false,
        status: 'unknown',
        checks: [
          { name: 'format', ok: true, detail: 'compact JWS, ES256, vc+jwt' },
          { name: 'signature', ok: true, detail: `signed by CivilAffairsMSP key ${KID}` },
          { name: 'issuer', ok: false, detail: 'not checked: the credential is not anchored on the ledger' },
          { name: 'anchor', ok: false, detail: 'no ledger record for cert-1' },
          { name: 'status', ok: false, detail: 'not checked: the credential is not anchored on the ledger' },
          { name: 'validity', ok: false, detail: 'not checked: the credential is not anchored on the ledger' },
        ],
      });
    });

    it('fails the anchor when the digest differs from the record, without showing the record', function () {
      const r = record({ status: 'suspended', statusReason: 'eligibility review' });
      const v = assess(parsed({ digest: 'e'.repeat(64) }), context({ record: r }), NOW);
      expect(passed(v)).to.deep.equal(['format', 'signature']);
      expect(checkOf(v, 'anchor').detail).to.equal('digest does not match the ledger record');
      expect(checkOf(v, 'status').detail).to.equal('not checked: the credential is not anchored on the ledger');
      expect(checkOf(v, 'validity').detail).to.equal('not checked: the credential is not anchored on the ledger');
      expectNothingOfTheRecord(v, r);
    });

    it('fails the anchor when the record names another key, without showing which', function () {
      const r = record({ issuerKid: '2025-01-01-other000' });
      const v = assess(parsed(), context({ record: r }), NOW);
      expect(passed(v)).to.deep.equal(['format', 'signature']);
      expect(checkOf(v, 'anchor').detail).to.equal('the ledger record names another key');
      expect(JSON.stringify(v)).to.not.include('2025-01-01-other000');
      expectNothingOfTheRecord(v, r);
    });

    it('still fails the issuer of a credential claiming an org that does not own the key, from the credential alone', function () {
      const v = assess(parsed({ issuerId: 'urn:civic:issuer:CharityMSP', digest: 'e'.repeat(64) }), context(), NOW);
      expect(checkOf(v, 'issuer')).to.deep.equal({ name: 'issuer', ok: false, detail: `credential issuer urn:civic:issuer:CharityMSP does not own key ${KID}` });
      expectNothingOfTheRecord(v, record());
    });
  });

  describe('signature verifies and the record anchors the credential', function () {
    it('is valid and active with every check passing, the public certificate and the anchoring block', function () {
      const r = record();
      const v = assess(parsed(), context({ record: r }), NOW);
      expect(v.valid).to.equal(true);
      expect(v.status).to.equal('active');
      expect(v.checks.map((c) => c.name)).to.deep.equal(['format', 'signature', 'issuer', 'anchor', 'status', 'validity']);
      expect(passed(v)).to.have.length(6);
      expect(checkOf(v, 'issuer').detail).to.equal('CivilAffairsMSP is authorised for low-income-household; key valid at issuance');
      expect(checkOf(v, 'anchor').detail).to.equal('digest matches the ledger record');
      expect(checkOf(v, 'validity').detail).to.equal('within its validity window');
      const { updatedBy: _clerk, ...rest } = r;
      expect(v.certificate).to.deep.equal(rest);
      expect(v.anchor).to.deep.equal({ txId: 'tx-issue-1', blockNumber: 42 });
      expect(JSON.stringify(v)).to.not.include('clerk1');
    });

    it('leaves the anchor out, and stays valid, when the block number is unknown', function () {
      const v = assess(parsed(), context({ blockNumber: undefined }), NOW);
      expect(v.valid).to.equal(true);
      expect(v).to.not.have.property('anchor');
      expect(v.certificate).to.include({ id: 'cert-1', issueTxId: 'tx-issue-1' });
    });

    it('fails the issuer when the credential names an org that does not own the key', function () {
      const v = assess(parsed({ issuerId: 'urn:civic:issuer:CharityMSP' }), context(), NOW);
      expect(v.valid).to.equal(false);
      expect(checkOf(v, 'issuer')).to.deep.equal({ name: 'issuer', ok: false, detail: `credential issuer urn:civic:issuer:CharityMSP does not own key ${KID}` });
      expect(passed(v)).to.deep.equal(['format', 'signature', 'anchor', 'status', 'validity']);
      expect(v.certificate).to.not.equal(undefined);
    });

    it('fails the issuer when the record was anchored by another org than the key owner', function () {
      const v = assess(parsed(), context({ record: record({ issuerMsp: 'CharityMSP' }) }), NOW);
      expect(checkOf(v, 'issuer').ok).to.equal(false);
      expect(checkOf(v, 'issuer').detail).to.match(/does not own key/);
    });

    it('fails the issuer when the key was not yet active at issuance', function () {
      const v = assess(parsed(), context({ key: key({ activatedAt: '2026-03-01T00:00:00.000Z' }) }), NOW);
      expect(v.valid).to.equal(false);
      expect(checkOf(v, 'issuer').detail).to.equal(`key ${KID} (active) was not valid at issuance 2026-02-03T04:05:06.000Z`);
    });

    it('fails the issuer when the key was marked compromised before the credential was issued', function () {
      const compromised = key({ status: 'compromised', retiredAt: '2026-02-01T00:00:00.000Z' });
      const v = assess(parsed(), context({ key: compromised }), NOW);
      expect(v.valid).to.equal(false);
      expect(checkOf(v, 'issuer')).to.deep.equal({
        name: 'issuer',
        ok: false,
        detail: `key ${KID} (compromised) was not valid at issuance 2026-02-03T04:05:06.000Z`,
      });
    });

    it('accepts a key retired after issuance, so rotation does not break older credentials', function () {
      const v = assess(parsed(), context({ key: key({ status: 'retired', retiredAt: '2026-04-01T00:00:00.000Z' }) }), NOW);
      expect(v.valid).to.equal(true);
    });

    it('fails the issuer when the org is not authorised for the type, or the type is not registered', function () {
      for (const type of [{ ...lowIncome, issuerMsps: ['CharityMSP'] }, undefined, { ...lowIncome, type: 'disability-subsidy' }]) {
        const v = assess(parsed(), context({ type }), NOW);
        expect(v.valid).to.equal(false);
        expect(checkOf(v, 'issuer')).to.deep.equal({ name: 'issuer', ok: false, detail: 'CivilAffairsMSP is not authorised for low-income-household' });
      }
    });

    it('reports a suspended certificate as suspended, with its reason', function () {
      const v = assess(parsed(), context({ record: record({ status: 'suspended', statusReason: 'eligibility review' }) }), NOW);
      expect(v).to.include({ valid: false, status: 'suspended' });
      expect(checkOf(v, 'status')).to.deep.equal({ name: 'status', ok: false, detail: 'suspended: eligibility review' });
      expect(v.certificate).to.include({ status: 'suspended', statusReason: 'eligibility review' });
      expect(v.certificate).to.not.have.property('updatedBy');
    });

    it('reports a revoked certificate as revoked, with its reason, even after it expired', function () {
      const r = record({ status: 'revoked', statusReason: 'income above threshold', validUntil: '2026-05-01T00:00:00.000Z' });
      const v = assess(parsed(), context({ record: r }), NOW);
      expect(v).to.include({ valid: false, status: 'revoked' });
      expect(checkOf(v, 'status').detail).to.equal('revoked: income above threshold');
      expect(checkOf(v, 'validity').ok).to.equal(false);
    });

    it('reports a status change without a reason by the status alone', function () {
      const v = assess(parsed(), context({ record: record({ status: 'revoked' }) }), NOW);
      expect(checkOf(v, 'status').detail).to.equal('revoked');
    });

    it('reports an expired certificate as expired, from the moment validUntil is reached', function () {
      const r = record({ validUntil: NOW.toISOString() });
      const v = assess(parsed(), context({ record: r }), NOW);
      expect(v).to.include({ valid: false, status: 'expired' });
      expect(checkOf(v, 'validity')).to.deep.equal({ name: 'validity', ok: false, detail: `expired at ${NOW.toISOString()}` });
      expect(checkOf(v, 'status').ok).to.equal(true);
      expect(v.certificate).to.not.equal(undefined);
    });

    it('stays valid with no validUntil', function () {
      const v = assess(parsed(), context({ record: record({ validUntil: undefined }) }), new Date('2099-01-01T00:00:00.000Z'));
      expect(v.valid).to.equal(true);
    });

    it('fails the validity of a certificate not yet valid, while its status stays active', function () {
      const r = record({ validFrom: '2026-07-01T00:00:00.000Z' });
      const v = assess(parsed(), context({ record: r }), NOW);
      expect(v).to.include({ valid: false, status: 'active' });
      expect(checkOf(v, 'validity')).to.deep.equal({ name: 'validity', ok: false, detail: 'not valid before 2026-07-01T00:00:00.000Z' });
    });
  });
});

describe('isAnchored', function () {
  it('holds only for a verified signature, a registered key and a record with the same digest and kid', function () {
    expect(isAnchored(parsed(), context())).to.equal(true);
    expect(isAnchored(parsed(), context({ signatureValid: false }))).to.equal(false);
    expect(isAnchored(parsed(), context({ key: undefined }))).to.equal(false);
    expect(isAnchored(parsed(), context({ record: undefined }))).to.equal(false);
    expect(isAnchored(parsed({ digest: 'e'.repeat(64) }), context())).to.equal(false);
    expect(isAnchored(parsed({ kid: 'other' }), context())).to.equal(false);
  });
});

describe('publicCertificate', function () {
  it('drops the clerk and any field it does not name', function () {
    const withExtra = { ...record({ statusReason: 'r' }), internalNote: 'secret' } as CertificateRecord;
    const pub = publicCertificate(withExtra);
    expect(pub).to.not.have.any.keys('updatedBy', 'internalNote');
    expect(pub).to.include({ id: 'cert-1', statusReason: 'r', validUntil: '2027-02-03T04:05:06.000Z' });
  });

  it('leaves optional fields out rather than undefined', function () {
    const pub = publicCertificate(record({ validUntil: undefined }));
    expect(Object.keys(pub)).to.not.include('validUntil');
    expect(Object.keys(pub)).to.not.include('statusReason');
  });
});

describe('assessReference (short links)', function () {
  const ref = (over: Partial<{ id: string; digest: string }> = {}) => ({ id: 'cert-1', digest: DIGEST, ...over });
  /** What the ledger gives a short link whose id it does not know: nothing. */
  const unknownId = (): AssessContext => ({ signatureValid: false });
  /** The ledger's answer for a known id, given the way the gateway builds it: no signature to check. */
  const known = (over: Partial<AssessContext> = {}): AssessContext => context({ signatureValid: false, ...over });

  it('proves an anchored record when the digest matches: anchor, issuer, status and validity, the public record and its block', function () {
    const r = record();
    const v = assessReference(ref(), known({ record: r }), NOW);
    expect(v.valid).to.equal(true);
    expect(v.status).to.equal('active');
    expect(v.checks).to.deep.equal([
      { name: 'anchor', ok: true, detail: 'a ledger record holds this digest' },
      { name: 'issuer', ok: true, detail: 'CivilAffairsMSP is authorised for low-income-household; key valid at issuance' },
      { name: 'status', ok: true, detail: 'active' },
      { name: 'validity', ok: true, detail: 'within its validity window' },
    ]);
    const { updatedBy: _clerk, ...rest } = r;
    expect(v.certificate).to.deep.equal(rest);
    expect(v.anchor).to.deep.equal({ txId: 'tx-issue-1', blockNumber: 42 });
  });

  it('reads the digest without regard to case', function () {
    const r = record({ digest: 'ab'.repeat(32) });
    expect(assessReference(ref({ digest: 'AB'.repeat(32) }), known({ record: r }), NOW).valid).to.equal(true);
  });

  it('answers a wrong digest exactly as an unknown id, and shows nothing of the record', function () {
    const r = record({ status: 'suspended', statusReason: 'eligibility review' });
    const unknown = assessReference(ref({ id: 'no-such-cert' }), unknownId(), NOW);
    expect(unknown).to.deep.equal({
      valid: false,
      status: 'unknown',
      checks: [
        { name: 'anchor', ok: false, detail: 'no ledger record with this certificate number and digest' },
        { name: 'issuer', ok: false, detail: 'not checked: the credential is not anchored on the ledger' },
        { name: 'status', ok: false, detail: 'not checked: the credential is not anchored on the ledger' },
        { name: 'validity', ok: false, detail: 'not checked: the credential is not anchored on the ledger' },
      ],
    });
    for (const digest of ['e'.repeat(64), `${DIGEST.slice(0, 63)}e`]) {
      const v = assessReference(ref({ digest }), known({ record: r }), NOW);
      expect(v, digest).to.deep.equal(unknown);
      expectNothingOfTheRecord(v, r);
    }
  });

  it('answers a matching digest whose record names another key than the registry gave as an unknown id', function () {
    const r = record({ issuerKid: '2025-01-01-other000' });
    const v = assessReference(ref(), known({ record: r }), NOW);
    expect(v).to.deep.equal(assessReference(ref(), unknownId(), NOW));
    expect(JSON.stringify(v)).to.not.include('2025-01-01-other000');
  });

  it('answers a matching digest without the issuer key as an unknown id', function () {
    expect(assessReference(ref(), known({ key: undefined }), NOW)).to.deep.equal(assessReference(ref(), unknownId(), NOW));
  });

  it('reports a suspended record as suspended and an expired one as expired, once the digest matches', function () {
    const suspended = assessReference(ref(), known({ record: record({ status: 'suspended', statusReason: 'eligibility review' }) }), NOW);
    expect(suspended).to.include({ valid: false, status: 'suspended' });
    expect(checkOf(suspended, 'status').detail).to.equal('suspended: eligibility review');
    const expired = assessReference(ref(), known({ record: record({ validUntil: NOW.toISOString() }) }), NOW);
    expect(expired).to.include({ valid: false, status: 'expired' });
    expect(checkOf(expired, 'anchor').ok).to.equal(true);
  });

  it('fails the issuer of a record whose org is not authorised for its type, and leaves the anchor out without a block', function () {
    const v = assessReference(ref(), known({ type: { ...lowIncome, issuerMsps: ['CharityMSP'] }, blockNumber: undefined }), NOW);
    expect(v.valid).to.equal(false);
    expect(checkOf(v, 'issuer')).to.deep.equal({ name: 'issuer', ok: false, detail: 'CivilAffairsMSP is not authorised for low-income-household' });
    expect(v).to.not.have.property('anchor');
  });
});
