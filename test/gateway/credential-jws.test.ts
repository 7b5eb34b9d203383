import { expect } from 'chai';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';
import { buildCredential, signCredential, signCredentialAsync, statusEntries, verifyCredentialSignature } from '../../gateway/src/credentials/vc';
import type { HeldKey } from '../../gateway/src/credentials/issuer-keys';

function heldKey(): HeldKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = privateKey.export({ format: 'jwk' });
  return { kid: 'k-test', privateKey, publicJwk: { kty: kty as string, crv, x, y } };
}

const vc = buildCredential({
  id: 'c1',
  type: 'low-income-household',
  issuerMsp: 'CivilAffairsMSP',
  issuerName: 'Civil Affairs Bureau',
  holder: { idType: 'resident', idNumber: '11010519491231002X', name: '张三' },
  claims: { householdSize: 3 },
  validFrom: '2026-01-01T00:00:00.000Z',
  credentialStatus: statusEntries('http://localhost', 'CivilAffairsMSP', { list: 0, index: 7 }),
});

describe('credential JWS', function () {
  it('signs a VC-JOSE credential that jose verifies, with header ES256, vc+jwt and the kid', async function () {
    const key = heldKey();
    for (const jws of [signCredential(vc, key), await signCredentialAsync(vc, key)]) {
      const { protectedHeader, payload } = await compactVerify(jws, await importJWK(key.publicJwk as JWK, 'ES256'));
      expect(protectedHeader).to.deep.equal({ alg: 'ES256', typ: 'vc+jwt', kid: 'k-test' });
      expect(JSON.parse(Buffer.from(payload).toString()).id).to.equal('urn:civic:cert:c1');
    }
  });

  it('verifies its own signature and rejects a changed payload, another key and a malformed signature', async function () {
    const key = heldKey();
    const pub = createPublicKey({ key: { ...key.publicJwk } as import('node:crypto').JsonWebKey, format: 'jwk' });
    const jws = signCredential(vc, key);
    expect(await verifyCredentialSignature(jws, pub)).to.equal(true);
    const [h, p, s] = jws.split('.');
    const changed = `${h}.${Buffer.from(Buffer.from(p, 'base64url').toString().replace('张三', '李四')).toString('base64url')}.${s}`;
    expect(await verifyCredentialSignature(changed, pub)).to.equal(false);
    const other = createPublicKey({ key: { ...heldKey().publicJwk } as import('node:crypto').JsonWebKey, format: 'jwk' });
    expect(await verifyCredentialSignature(jws, other)).to.equal(false);
    expect(await verifyCredentialSignature(`${h}.${p}.${s.slice(0, 20)}`, pub)).to.equal(false);
    expect(await verifyCredentialSignature(`${h}.${p}.`, pub)).to.equal(false);
  });
});
