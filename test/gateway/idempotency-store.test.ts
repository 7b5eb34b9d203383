import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import express from 'express';
import { Level } from 'level';
import { IdempotencyStore } from '../../gateway/src/api/idempotency';
import type { Principal } from '../../gateway/src/auth/principal';
import { tempDir } from '../support/gateway-harness';
import { client } from '../support/http';

const DAY_MS = 24 * 3600 * 1000;

/** A real store behind a real Express app whose one write answers what the request asks for. */
async function start(dataDir: string) {
  const store = await IdempotencyStore.open(dataDir);
  const app = express();
  app.use(express.json());
  let writes = 0;
  app.post('/w', (_req, res, next) => {
    const principal: Principal = { sub: 'u1', org: 'civil', mspId: 'CivilAffairsMSP', roles: ['issuer'] };
    res.locals.principal = principal;
    next();
  }, store.middleware(), async (req, res) => {
    writes++;
    const { status, body, keep } = req.body as { status: number; body: unknown; keep?: string };
    // What issuance does before it submits: keep the signed credential with the slot.
    if (keep === undefined) return void res.status(status).json(body);
    const keeper = store.keeperFor(res);
    if (keeper && keep !== '') await keeper.keep('cert-1', keep);
    res.status(status).json({ body, kept: keeper ? await keeper.recall('cert-1') : [] });
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const api = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    store,
    api,
    writes: () => writes,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

describe('idempotency store at rest', function () {
  let dataDir: string;
  beforeEach(async () => (dataDir = await tempDir('civic-idem-store-')));
  afterEach(async () => fs.rm(dataDir, { recursive: true, force: true }));

  it('replays the first answer but keeps it sealed on disk, in a private directory', async function () {
    const s = await start(dataDir);
    const secret = { credential: 'eyJ.holder-11010519491231002X-张三' };
    const first = await s.api('POST', '/w', { body: { status: 201, body: secret }, headers: { 'idempotency-key': 'k1' } });
    const again = await s.api('POST', '/w', { body: { status: 201, body: secret }, headers: { 'idempotency-key': 'k1' } });
    expect(first.body).to.deep.equal(secret);
    expect(again.body).to.deep.equal(secret);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(s.writes()).to.equal(1);
    await s.close();
    const location = path.join(dataDir, 'gateway', 'idempotency');
    expect((await fs.stat(location)).mode & 0o777).to.equal(0o700);
    expect((await fs.stat(path.join(dataDir, 'secrets', 'idempotency-key.json'))).mode & 0o777).to.equal(0o600);
    const db = new Level<string, string>(location, { valueEncoding: 'utf8' });
    let stored = '';
    for await (const [k, v] of db.iterator()) stored += `${k}=${v}\n`;
    await db.close();
    expect(stored).to.include('sealed');
    expect(stored).to.not.include('11010519491231002X');
    expect(stored).to.not.include(Buffer.from(JSON.stringify(secret)).toString('base64').slice(0, 20));
  });

  it('keeps no transient conflict or 5xx, so a retry can still succeed', async function () {
    const s = await start(dataDir);
    try {
      const conflict = { type: 'x', title: 'Conflict', status: 409, detail: 'retry', code: 'MVCC_READ_CONFLICT' };
      expect((await s.api('POST', '/w', { body: { status: 409, body: conflict }, headers: { 'idempotency-key': 'k2' } })).status).to.equal(409);
      expect((await s.api('POST', '/w', { body: { status: 409, body: conflict }, headers: { 'idempotency-key': 'k2' } })).headers.get('idempotent-replayed')).to.equal(null);
      expect(s.writes()).to.equal(2);
    } finally {
      await s.close();
    }
  });

  it('keeps credentials per slot, sealed, and deletes them after 24 hours like answers', async function () {
    const s = await start(dataDir);
    try {
      const first = await s.api('POST', '/w', { body: { status: 201, body: 1, keep: 'header.payload-one.sig' }, headers: { 'idempotency-key': 'kept' } });
      expect(first.body.kept).to.deep.equal(['header.payload-one.sig']);
      const other = await s.api('POST', '/w', { body: { status: 201, body: 2, keep: '' }, headers: { 'idempotency-key': 'other' } });
      expect(other.body.kept, 'another slot sees nothing kept').to.deep.equal([]);
      const none = await s.api('POST', '/w', { body: { status: 201, body: 3, keep: 'x' } });
      expect(none.body.kept, 'no key, nothing kept').to.deep.equal([]);
      expect(await s.store.purge(Date.now() + DAY_MS + 60_000)).to.equal(3);
    } finally {
      await s.close();
    }
    const db = new Level<string, unknown>(path.join(dataDir, 'gateway', 'idempotency'), { valueEncoding: 'json' });
    const left: string[] = [];
    for await (const [k, v] of db.iterator()) left.push(`${k} ${JSON.stringify(v)}`);
    await db.close();
    expect(left.filter((l) => l.includes('payload-one')), 'kept credentials are sealed').to.deep.equal([]);
    expect(left.filter((l) => l.startsWith('k:')), 'purged').to.deep.equal([]);
  });

  it('deletes answers older than 24 hours and keeps younger ones', async function () {
    const s = await start(dataDir);
    try {
      for (const k of ['a', 'b', 'c']) await s.api('POST', '/w', { body: { status: 201, body: { k } }, headers: { 'idempotency-key': k } });
      expect(await s.store.purge(Date.now() + DAY_MS - 60_000)).to.equal(0);
      expect(await s.store.purge(Date.now() + DAY_MS + 60_000)).to.equal(3);
      const retry = await s.api('POST', '/w', { body: { status: 201, body: { k: 'a' } }, headers: { 'idempotency-key': 'a' } });
      expect(retry.headers.get('idempotent-replayed')).to.equal(null);
      expect(s.writes()).to.equal(4);
    } finally {
      await s.close();
    }
  });
});
