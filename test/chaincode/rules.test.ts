import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { promises as fs } from 'node:fs';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { contracts } from '../../chaincode/src';
import { canonicalJson } from '../../chaincode/src/codec';
import { parseCodedMessage } from '../../chaincode/src/errors';
import { EVENTS } from '../../chaincode/src/events';
import { FN } from '../../chaincode/src/functions';
import { keyValidAt } from '../../chaincode/src/key-validity';
import { MSP, type CertificateRecord, type IssuerKey } from '../../chaincode/src/models';
import { issuedRecord, parseIssueInput, type IssueFacts } from '../../chaincode/src/certificate-record';
import { openDevnet, type ChaincodeEvent, type Devnet } from '../../network/devnet';
import { enrol } from '../../network/pki';
import type { SigningIdentity } from '../../network/pki/types';
import { CONSORTIUM } from '../../gateway/src/ledger/embedded';
import { tempDir } from '../support/gateway-harness';
import { until } from '../support/poll';

use(chaiAsPromised);

const hex = (s: string): string => createHash('sha256').update(s).digest('hex');

function publicJwk(): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return JSON.stringify({ kty, crv, x, y });
}

describe('chaincode rules (through the devnet)', function () {
  let dir: string;
  let net: Devnet;
  const ids = new Map<string, SigningIdentity>();

  async function who(msp: string, cn: string, role: string, extra: Record<string, string> = {}): Promise<SigningIdentity> {
    const k = `${msp}/${cn}/${role}`;
    let id = ids.get(k);
    if (!id) {
      const org = net.orgs.get(msp);
      if (!org) throw new TypeError(msp);
      const cert = await enrol(org.ca, { commonName: cn, nodeRole: 'client', attrs: { role, ...extra } });
      id = { mspId: msp, ...cert };
      ids.set(k, id);
    }
    return id;
  }

  const civilAdmin = () => who(MSP.civil, 'admin', 'admin,registrar');
  const clerk = () => who(MSP.civil, 'clerk', 'issuer');
  const input = (id: string, kid: string, statusNumber = 0, type = 'rule-type') =>
    JSON.stringify({ id, type, issuerKid: kid, holderRef: hex(`holder-${id}`), digest: hex(`jws-${id}`), validFrom: '2026-01-01T00:00:00Z', statusNumber });
  /** The civil org's next certificate number, which a successful issuance must name. */
  const next = async (): Promise<number> => (JSON.parse(Buffer.from(await net.evaluate(await clerk(), FN.nextStatusNumber, [MSP.civil])).toString()) as { next: number }).next;

  before(async function () {
    dir = await tempDir('civic-cc-');
    net = await openDevnet({ dataDir: dir, contracts, orgs: CONSORTIUM });
    await net.submit(await civilAdmin(), FN.registerKey, ['k1', publicJwk(), 'Civil Affairs Bureau']);
    await net.submit(await civilAdmin(), FN.registerType, [
      JSON.stringify({ type: 'rule-type', title: 'Rule test', issuerMsps: [MSP.civil], schema: { type: 'object' } }),
    ]);
  });
  after(async function () {
    await net?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses type registration to another org and to a civil user without the registrar role', async function () {
    const body = JSON.stringify({ type: 't2', title: 'T2', issuerMsps: [MSP.charity], schema: { type: 'object' } });
    await expect(net.submit(await who(MSP.charity, 'c-reg', 'registrar'), FN.registerType, [body])).to.be.rejectedWith(/^FORBIDDEN: /);
    await expect(net.submit(await clerk(), FN.registerType, [body])).to.be.rejectedWith(/^FORBIDDEN: /);
  });

  it('refuses a type whose schema is not a JSON Schema', async function () {
    const body = JSON.stringify({ type: 't3', title: 'T3', issuerMsps: [MSP.civil], schema: { type: 'no-such-type' } });
    await expect(net.submit(await civilAdmin(), FN.registerType, [body])).to.be.rejectedWith(/^VALIDATION_FAILED: schema/);
  });

  it('refuses issuance by a civil user whose certificate lacks the issuer role, whatever the gateway said', async function () {
    await expect(net.submit(await who(MSP.civil, 'nobody', 'verifier'), FN.issue, [input('r1', 'k1')])).to.be.rejectedWith(/^FORBIDDEN: /);
  });

  it('refuses issuance by an issuer of an org the type does not authorise', async function () {
    await net.submit(await who(MSP.charity, 'c-admin', 'admin'), FN.registerKey, ['ck1', publicJwk(), 'Charity']);
    await expect(net.submit(await who(MSP.charity, 'c-issuer', 'issuer'), FN.issue, [input('r2', 'ck1')])).to.be.rejectedWith(/^FORBIDDEN: .*not authorised/);
  });

  it("refuses issuance with another org's key or an unknown key", async function () {
    await expect(net.submit(await clerk(), FN.issue, [input('r3', 'ck1')])).to.be.rejectedWith(/^KEY_NOT_FOUND: /);
    await expect(net.submit(await clerk(), FN.issue, [input('r3', 'nope')])).to.be.rejectedWith(/^KEY_NOT_FOUND: /);
  });

  it('refuses a private JWK in the key registry', async function () {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = JSON.stringify(privateKey.export({ format: 'jwk' }));
    await expect(net.submit(await civilAdmin(), FN.registerKey, ['k-private', jwk, ''])).to.be.rejectedWith(/^VALIDATION_FAILED: .*private/);
  });

  it('stops issuance with a compromised key and dates the compromise', async function () {
    await net.submit(await civilAdmin(), FN.rotateKey, ['k2', publicJwk(), '']);
    await net.submit(await clerk(), FN.issue, [input('r4', 'k2', await next())]);
    const marked = JSON.parse(Buffer.from(await net.submit(await civilAdmin(), FN.markKeyCompromised, ['k2', '']).then((r) => r.payload)).toString()) as IssuerKey;
    expect(marked.status).to.equal('compromised');
    expect(marked.retiredAt).to.be.a('string');
    await expect(net.submit(await clerk(), FN.issue, [input('r5', 'k2')])).to.be.rejectedWith(/^KEY_NOT_ACTIVE: /);
    await expect(net.submit(await clerk(), FN.issue, [input('r5', 'k1')])).to.be.rejectedWith(/^KEY_NOT_ACTIVE: .*retired/);
    await expect(net.submit(await civilAdmin(), FN.markKeyCompromised, ['k2', ''])).to.be.rejectedWith(/^INVALID_TRANSITION: /);
    await expect(net.submit(await who(MSP.charity, 'c-admin', 'admin'), FN.retireKey, ['k1'])).to.be.rejectedWith(/^FORBIDDEN: /);
  });

  it('treats a key as valid only inside its activation window', function () {
    const k: IssuerKey = { kid: 'k', mspId: MSP.civil, jwk: { kty: 'EC' }, status: 'retired', activatedAt: '2026-01-01T00:00:00.000Z', retiredAt: '2026-06-01T00:00:00.000Z' };
    expect(keyValidAt(k, '2025-12-31T23:59:59.999Z')).to.equal(false);
    expect(keyValidAt(k, '2026-03-01T00:00:00.000Z')).to.equal(true);
    expect(keyValidAt(k, '2026-06-01T00:00:00.000Z')).to.equal(false);
    expect(keyValidAt({ ...k, status: 'active', retiredAt: undefined }, '2030-01-01T00:00:00.000Z')).to.equal(true);
  });

  it('limits a batch to 1,000 and refuses an id repeated inside it', async function () {
    await net.submit(await civilAdmin(), FN.rotateKey, ['k3', publicJwk(), '']);
    const over = Array.from({ length: 1001 }, (_, i) => JSON.parse(input(`o${i}`, 'k3')));
    await expect(net.submit(await clerk(), FN.issueBatch, [JSON.stringify(over)])).to.be.rejectedWith(/^VALIDATION_FAILED: /);
    const twice = [JSON.parse(input('tw', 'k3')), JSON.parse(input('tw', 'k3'))];
    await expect(net.submit(await clerk(), FN.issueBatch, [JSON.stringify(twice)])).to.be.rejectedWith(/^DUPLICATE_ID: /);
  });

  it('emits CertificateIssued after commit', async function () {
    const events: ChaincodeEvent[] = [];
    const off = net.onEvent((e) => events.push(e));
    try {
      const r = await net.submit(await clerk(), FN.issue, [input('ev1', 'k3', await next())]);
      await until(() => events.some((x) => x.txId === r.txId), 'the CertificateIssued event');
      const e = events.find((x) => x.txId === r.txId);
      expect(e?.eventName).to.equal(EVENTS.certificateIssued);
      expect(JSON.parse(Buffer.from(e!.payload).toString())).to.deep.include({ id: 'ev1', issuerMsp: MSP.civil, type: 'rule-type' });
    } finally {
      off();
    }
  });

  it('numbers certificates per org in order, a batch consecutively, and refuses a number already taken', async function () {
    const n = await next();
    const batch = [JSON.parse(input('sn1', 'k3', n)), JSON.parse(input('sn2', 'k3', n + 1))];
    const committed = await net.submit(await clerk(), FN.issueBatch, [JSON.stringify(batch)]);
    const facts = JSON.parse(Buffer.from(committed.payload).toString()) as IssueFacts;
    expect(facts).to.include({ issuerMsp: MSP.civil, issueTxId: committed.txId });
    // The answer carries what the records share; each record written is issuedRecord of its input and those facts.
    for (const [i, item] of batch.entries()) {
      const stored = JSON.parse(Buffer.from(await net.evaluate(await clerk(), FN.getCertificate, [item.id])).toString()) as CertificateRecord;
      expect(stored).to.deep.equal(JSON.parse(JSON.stringify(issuedRecord(parseIssueInput(item, 'item'), facts))));
      expect(stored.statusList).to.deep.equal({ list: 0, index: n + i });
    }
    await expect(net.submit(await clerk(), FN.issue, [input('sn3', 'k3', n + 1)])).to.be.rejectedWith(/^STATUS_INDEX_TAKEN: /);
    await expect(net.submit(await clerk(), FN.issue, [input('sn3', 'k3', n + 5)])).to.be.rejectedWith(/^STATUS_INDEX_TAKEN: /);
    expect(await next()).to.equal(n + 2);
  });

  it('keeps the status-list bits in step with the status, and serves a list publicly', async function () {
    const n = await next();
    await net.submit(await clerk(), FN.issue, [input('sl1', 'k3', n)]);
    const list = async (purpose: string) =>
      (JSON.parse(Buffer.from(await net.evaluate(await who(MSP.audit, 'anyone', ''), FN.statusList, [MSP.civil, purpose, '0'])).toString()) as { set: number[]; allocated: number });
    const reason = JSON.stringify({ reasonCode: 'eligibility-review' });
    expect((await list('suspension')).set).to.not.include(n);
    await net.submit(await clerk(), FN.suspend, ['sl1', reason]);
    expect((await list('suspension')).set).to.include(n);
    await net.submit(await clerk(), FN.reinstate, ['sl1', JSON.stringify({ reasonCode: 'review-passed' })]);
    expect((await list('suspension')).set).to.not.include(n);
    await net.submit(await clerk(), FN.suspend, ['sl1', reason]);
    await net.submit(await clerk(), FN.revoke, ['sl1', JSON.stringify({ reasonCode: 'eligibility-ended' })]);
    expect((await list('suspension')).set).to.not.include(n);
    expect((await list('revocation')).set).to.include(n);
    expect((await list('revocation')).allocated).to.equal(n + 1);
    await expect(net.evaluate(await clerk(), FN.statusList, [MSP.civil, 'revocation', '1'])).to.be.rejectedWith(/^STATUS_LIST_NOT_FOUND: /);
    await expect(net.evaluate(await clerk(), FN.statusList, ['EvilMSP', 'revocation', '0'])).to.be.rejectedWith(/^STATUS_LIST_NOT_FOUND: /);
    await expect(net.evaluate(await clerk(), FN.statusList, [MSP.civil, 'expiry', '0'])).to.be.rejectedWith(/^VALIDATION_FAILED: /);
  });

  it('writes records as canonical JSON with sorted keys', async function () {
    const bytes = await net.evaluate(await clerk(), FN.getCertificate, ['ev1']);
    const text = Buffer.from(bytes).toString();
    expect(text).to.equal(canonicalJson(JSON.parse(text)));
    const keys = Object.keys(JSON.parse(text));
    expect(keys).to.deep.equal([...keys].sort());
  });
});

describe('coded errors', function () {
  it('reads the code and detail from a message, also when wrapped by a transport', function () {
    expect(parseCodedMessage('DUPLICATE_ID: certificate x already exists')).to.deep.equal({ code: 'DUPLICATE_ID', detail: 'certificate x already exists' });
    expect(parseCodedMessage('10 ABORTED: failed to endorse transaction, see attached details for more info (chaincode response 500, INSUFFICIENT_FUNDS: balance 5)')).to.deep.equal({
      code: 'INSUFFICIENT_FUNDS',
      detail: 'balance 5',
    });
    expect(parseCodedMessage('something else went wrong')).to.equal(undefined);
  });

  it('orders canonical JSON keys deterministically at every depth', function () {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).to.equal('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});
