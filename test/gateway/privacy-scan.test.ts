import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { loadDevKey, signDevToken, type DevTokenClaims } from '../../gateway/src/auth/dev-key';
import { sampleCreditCode, sampleResidentId } from '../../scripts/sample-ids';
import { tempDir } from '../support/gateway-harness';
import { client } from '../support/http';
import { startGatewayProcess, stopProcess } from '../support/process';

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(p);
    else yield p;
  }
}

/** The text itself plus every base64url run decoded, so a credential payload (base64url JSON) is searched too. */
function readable(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  const decoded = (text.match(/[A-Za-z0-9_-]{24,}/g) ?? []).map((run) => Buffer.from(run, 'base64url').toString('utf8'));
  return [text, ...decoded].join('\n');
}

/**
 * Names and ID numbers sent in every field a client can send must be found
 * nowhere at rest: not in the ledger's LevelDB (blocks, state, history), the
 * wallet, the key files or the idempotency store, and not in the history or
 * CSV a member reads. Extend it whenever a field is added.
 */
describe('privacy scan of a real data directory', function () {
  this.timeout(90_000);

  it('finds no name and no ID number in any file, any LevelDB record, any history or CSV, and keeps the directory private', async function () {
    const dataDir = await tempDir('civic-privacy-');
    try {
      const gw = await startGatewayProcess(dataDir);
      const key = await loadDevKey(dataDir);
      const sign = (claims: DevTokenClaims) => signDevToken(key, claims, { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 600 });
      const api = client(gw.baseUrl);
      const [registrar, issuer, staff, auditor, verifier] = await Promise.all([
        sign({ sub: 'reg', org: 'civil', roles: ['registrar'] }),
        sign({ sub: 'clerk', org: 'civil', roles: ['issuer'] }),
        sign({ sub: 'staff', org: 'charity', roles: ['charity'], charity: 'priv' }),
        sign({ sub: 'aud', org: 'audit', roles: ['auditor'] }),
        sign({ sub: 'desk', org: 'audit', roles: ['verifier'] }),
      ]);
      const holder = { name: '欧阳持证', idNumber: sampleResidentId() };
      const holder2 = { name: '上官批量', idNumber: sampleResidentId() };
      const passport = { name: 'Anna Verborgen', idType: 'passport', idNumber: 'E99887766' };
      const donor = { name: '欧阳隐名', idNumber: sampleResidentId() };
      const beneficiary = { name: '司马受助', idNumber: sampleResidentId() };
      const phone = '13912345678';
      const secrets = [holder, holder2, passport, donor, beneficiary].flatMap((p) => [p.name, p.idNumber]).concat(phone);
      const claims = { householdSize: 3, monthlyAllowanceFen: 98000, region: '北京市东城区' };
      const status = (r: { status: number; body: unknown }, expected: number) => expect(r.status, JSON.stringify(r.body)).to.equal(expected);

      const issued = await api('POST', '/api/v1/certificates', { token: issuer, headers: { 'idempotency-key': 'k-1' }, body: { type: 'low-income-household', holder, claims } });
      status(issued, 201);
      status(await api('POST', '/api/v1/certificates/batch', { token: issuer, headers: { 'idempotency-key': 'k-2' }, body: { items: [{ type: 'low-income-household', holder: holder2, claims }, { type: 'low-income-household', holder: passport, claims }] } }), 201);
      const id = issued.body.id as string;
      status(await api('POST', `/api/v1/certificates/${id}/suspend`, { token: issuer, body: { reasonCode: 'eligibility-review', reason: `${holder.name}家属举报 ${holder.idNumber}` } }), 400);
      status(await api('POST', `/api/v1/certificates/${id}/suspend`, { token: issuer, body: { reasonCode: 'eligibility-review', reason: `联系 ${phone}` } }), 400);
      status(await api('POST', `/api/v1/certificates/${id}/suspend`, { token: issuer, body: { reasonCode: 'eligibility-review', reason: '家庭收入复核' } }), 200);
      status(await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder } }), 200);
      status(await api('POST', '/api/v1/verify', { body: { credential: issued.body.credential } }), 200);

      status(await api('POST', '/api/v1/charities', { token: registrar, body: { id: 'priv', name: 'Privacy Foundation', creditCode: sampleCreditCode(), publicFundraising: true } }), 201);
      status(await api('POST', '/api/v1/projects', { token: staff, body: { id: 'pp', title: 'Privacy', targetAmount: 1000 } }), 201);
      const d = await api('POST', '/api/v1/donations', { token: staff, headers: { 'idempotency-key': 'k-3' }, body: { projectId: 'pp', amount: 500, donor } });
      status(d, 201);
      status(await api('POST', '/api/v1/donations/batch', { token: staff, body: { items: [{ projectId: 'pp', amount: 5, donor }] } }), 201);
      status(await api('POST', '/api/v1/donations', { token: staff, body: { projectId: 'pp', amount: 7, donor: { ...donor, anonymous: true } } }), 201);
      const base = { projectId: 'pp', amount: 100, category: 'program', beneficiary };
      status(await api('POST', '/api/v1/disbursements', { token: staff, body: { ...base, payee: `${beneficiary.name} ${beneficiary.idNumber}` } }), 400);
      status(await api('POST', '/api/v1/disbursements', { token: staff, body: { ...base, memo: `电话 ${phone}` } }), 400);
      const x = await api('POST', '/api/v1/disbursements', { token: staff, headers: { 'idempotency-key': 'k-4' }, body: { ...base, memo: '助学金第一期' } });
      status(x, 201);

      const year = new Date().getUTCFullYear();
      const reads = await Promise.all([
        api('GET', `/api/v1/certificates/${id}/history`, { token: verifier }),
        api('GET', `/api/v1/audit/history/donation/${d.body.id}`, { token: auditor }),
        api('GET', `/api/v1/audit/history/disbursement/${x.body.id}`, { token: auditor }),
        api('GET', `/api/v1/audit/disbursements/${x.body.id}/trace`, { token: auditor }),
        api('GET', `/api/v1/audit/charities/priv/export.csv?year=${year}`, { token: auditor }),
        api('GET', `/api/v1/audit/transactions/${x.body.txId}`, { token: auditor }),
      ]);
      for (const r of reads) status(r, 200);
      const served = reads.map((r) => r.text).join('\n');
      expect(served).to.include('助学金第一期');
      await stopProcess(gw.child);

      let text = served;
      let files = 0;
      let records = 0;
      const levelDirs: string[] = [];
      for await (const file of filesUnder(dataDir)) {
        files++;
        text += readable(await fs.readFile(file));
        if (path.basename(file) === 'CURRENT') levelDirs.push(path.dirname(file));
        expect((await fs.stat(file)).mode & 0o077, `${file} is readable by others`).to.equal(0);
      }
      for (const dir of levelDirs) {
        const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
        await db.open();
        try {
          for await (const [k, v] of db.iterator()) {
            records++;
            text += `${readable(k)}\n${readable(v)}`;
          }
        } finally {
          await db.close();
        }
      }
      expect((await fs.stat(dataDir)).mode & 0o777).to.equal(0o700);
      expect(levelDirs.map((d) => path.relative(dataDir, d)).sort()).to.deep.equal(['gateway/idempotency', 'ledger']);
      expect(records).to.be.greaterThan(50);
      expect(text).to.include('RecordDisbursement');
      expect(text).to.include('家庭收入复核');
      for (const secret of secrets) expect(text, `found ${secret} in ${files} files and ${records} records`).to.not.include(secret);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
