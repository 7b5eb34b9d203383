import '../support/setup';
import { cp, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { Level } from 'level';
import { CommitError, EndorseError, type ChaincodeEvent, type Devnet } from '../../network/devnet';
import { envelopeEvent, type TransactionEnvelope } from '../../network/devnet/transaction';
import type { StoredChaincodeEvent } from '../../network/devnet/types';
import { decodeBlock, encodeBlock } from '../../network/devnet/block-codec';
import { computeBlockHash, computeDataHash } from '../../network/devnet/chain';
import { storeKeyOfBlock } from '../../network/devnet/ledger-store';
import { clientIdOf, createCA, enrol } from '../../network/pki';
import type { SigningIdentity } from '../../network/pki/types';
import { COUNTED_EVENT } from './fixtures/fixture-contract';
import { open, ORGS, removeDir, tempDir, text, userOf } from './helpers';

use(chaiAsPromised);

const [A, B, C] = ORGS.map((o) => o.mspId);

describe('devnet determinism check', function () {
  it('refuses a transaction whose two simulations in different time zones differ, and passes deterministic ones', async function () {
    const dir = await tempDir();
    const net = await open(dir, { checkDeterminism: true });
    try {
      const user = await userOf(net, ORGS[0].mspId, 'u1');
      await net.submit(user, 'Fixture:Put', ['k', 'v']);
      await expect(net.submit(user, 'Fixture:PutLocalHour', ['h'])).to.be.rejectedWith(EndorseError, /^ENDORSEMENT_POLICY_FAILURE: .*differ/);
    } finally {
      await net.close();
      await removeDir(dir);
    }
    const plain = await tempDir();
    const loose = await open(plain);
    try {
      await loose.submit(await userOf(loose, ORGS[0].mspId, 'u1'), 'Fixture:PutLocalHour', ['h']);
    } finally {
      await loose.close();
      await removeDir(plain);
    }
  });
});

describe('devnet', function () {
  this.timeout(30_000);
  let dir: string;
  let devnet: Devnet;
  let alice: SigningIdentity;

  beforeEach(async () => {
    dir = await tempDir();
    devnet = await open(dir);
    alice = await userOf(devnet, A, 'alice', { role: 'issuer', dept: 'registry' });
  });

  afterEach(async () => {
    await devnet.close();
    await removeDir(dir);
  });

  describe('bootstrap', () => {
    it('creates each org\'s CA and peer under crypto/<mspId>, keys readable by the owner only', async () => {
      for (const { mspId } of ORGS) {
        for (const name of ['ca', 'peer']) {
          const key = await stat(join(dir, 'crypto', mspId, `${name}-key.pem`));
          expect(key.mode & 0o777, `${mspId} ${name} key`).to.equal(0o600);
          expect((await stat(join(dir, 'crypto', mspId, `${name}-cert.pem`))).isFile()).to.equal(true);
        }
        expect(devnet.orgs.get(mspId)?.ca.certificatePem).to.match(/BEGIN CERTIFICATE/);
      }
      expect(await devnet.height()).to.equal(1);
      expect(await devnet.verifyChain()).to.deep.equal({ ok: true, height: 1, checkedBlocks: 1 });
    });

    it('loads the same crypto material and chain on reopen', async () => {
      const ca = devnet.orgs.get(B)!.ca.certificatePem;
      await devnet.submit(alice, 'Fixture:Put', ['k', 'v']);
      await devnet.close();
      devnet = await open(dir);
      expect(devnet.orgs.get(B)!.ca.certificatePem).to.equal(ca);
      expect(await devnet.height()).to.equal(2);
    });

    it('refuses to reopen with orgs that differ from the channel config', async () => {
      await devnet.close();
      await expect(open(dir, { orgs: ORGS.slice(0, 2) })).to.be.rejectedWith(Error, 'channel config');
      await expect(open(dir, { endorsementPolicy: 'ALL' })).to.be.rejectedWith(Error, 'endorsementPolicy');
      devnet = await open(dir);
    });
  });

  describe('one committed state per simulation', () => {
    it('gives every evaluation one state for its point reads and range scans while other transactions commit', async () => {
      const names = ['a', 'b', 'c', 'd', 'e'];
      for (const n of names) await devnet.submit(alice, 'Fixture:Put', [`acct:${n}`, '100']);
      let writing = true;
      const writer = (async () => {
        for (let i = 0; i < 60; i++) await devnet.submit(alice, 'Fixture:Transfer', ['a', names[1 + (i % 4)]]);
        writing = false;
      })();
      const seen: Array<{ first: string; second: string; sum: number }> = [];
      try {
        for (let i = 0; i < 200 && writing; i++) seen.push(JSON.parse(text(await devnet.evaluate(alice, 'Fixture:Audit', ['a']))) as { first: string; second: string; sum: number });
      } finally {
        await writer;
      }
      expect(seen.length, 'evaluations while the writer ran').to.be.greaterThan(5);
      const mixed = seen.filter((s) => s.first !== s.second || s.sum !== 500);
      expect(mixed, `${mixed.length} of ${seen.length} evaluations saw two states`).to.deep.equal([]);
      expect(text(await devnet.evaluate(alice, 'Fixture:Get', ['acct:a']))).to.equal('40');
    });
  });

  describe('submit and evaluate', () => {
    it('commits a transaction and answers with its payload, txId and block number', async () => {
      const r = await devnet.submit(alice, 'Fixture:Increment', ['counter']);
      expect(text(r.payload)).to.equal('1');
      expect(r.txId).to.match(/^[0-9a-f]{64}$/);
      expect(r.blockNumber).to.equal(1);
      expect(text(await devnet.evaluate(alice, 'Fixture:Get', ['counter']))).to.equal('1');
    });

    it('evaluates without ordering anything', async () => {
      await devnet.evaluate(alice, 'Fixture:Increment', ['counter']);
      expect(await devnet.height()).to.equal(1);
      expect(text(await devnet.evaluate(alice, 'Fixture:Get', ['counter']))).to.equal('');
    });

    it('rejects a failing chaincode call with EndorseError carrying the chaincode\'s message verbatim', async () => {
      const p = devnet.submit(alice, 'Fixture:Fail', ['cert-1']);
      await expect(p).to.be.rejectedWith(EndorseError, /^DUPLICATE_ID: cert-1 already exists$/);
      await expect(p).to.be.rejected.and.eventually.have.property('txId').that.matches(/^[0-9a-f]{64}$/);
      await expect(devnet.evaluate(alice, 'Fixture:Fail', ['cert-2'])).to.be.rejectedWith(EndorseError, 'DUPLICATE_ID: cert-2');
      expect(await devnet.height()).to.equal(1);
      expect(text(await devnet.evaluate(alice, 'Fixture:Get', ['cert-1']))).to.equal('');
    });

    it('rejects an unknown function through the contract router', async () => {
      await expect(devnet.submit(alice, 'Fixture:Nope', [])).to.be.rejectedWith(EndorseError, 'Nope');
    });

    it('shows the chaincode committed state only, not its own writes', async () => {
      expect(text((await devnet.submit(alice, 'Fixture:PutThenGet', ['own', 'new'])).payload)).to.equal('');
      expect(text((await devnet.submit(alice, 'Fixture:PutThenGet', ['own', 'newer'])).payload)).to.equal('new');
    });

    it('passes transient data to the chaincode without putting it in the transaction', async () => {
      const secret = Buffer.from('s3cret');
      expect(text(await devnet.evaluate(alice, 'Fixture:Secret', [], { transient: { secret } }))).to.equal('s3cret');
      const r = await devnet.submit(alice, 'Fixture:Secret', [], { transient: { secret } });
      await devnet.close();
      const envelope = JSON.parse((await readRawBlock(dir, r.blockNumber)).data[0]) as { proposal: unknown };
      // The chaincode returned the secret, so it is in the response payload; the proposal itself must not carry it.
      expect(JSON.stringify(envelope.proposal)).to.not.match(/s3cret|czNjcmV0/);
      devnet = await open(dir);
    });

    it('treats programmer errors as TypeError', async () => {
      await expect(devnet.submit(alice, 'Fixture:Put', ['k', 1 as unknown as string])).to.be.rejectedWith(TypeError);
      await expect(devnet.submit({ ...alice, privateKeyPem: '' }, 'Fixture:Put', ['k', 'v'])).to.be.rejectedWith(TypeError);
      await expect(devnet.evaluate(alice, '', [])).to.be.rejectedWith(TypeError);
    });
  });

  describe('identities', () => {
    it('shows the creator\'s certificate attributes, id and MSP to the contract', async () => {
      const who = JSON.parse(text(await devnet.evaluate(alice, 'Fixture:WhoAmI', []))) as Record<string, unknown>;
      expect(who).to.include({ mspId: A, role: 'issuer', dept: 'registry', id: clientIdOf(alice.certificatePem), channel: devnet.channel });
      expect(who.fcn).to.equal('Fixture:WhoAmI');
      const now = Date.now() / 1000;
      expect(who.seconds).to.be.a('number').within(now - 60, now + 1);
      expect(who.nanos).to.be.a('number').within(0, 999_999_999);
      expect(new Date(who.date as string).getTime()).to.equal(Math.floor((who.seconds as number) * 1000 + (who.nanos as number) / 1e6));
    });

    it('refuses a certificate from another CA that claims an org\'s MSP', async () => {
      const rogueCa = await createCA({ commonName: `ca.${A.toLowerCase()}`, organization: 'Org A' });
      const rogue = { mspId: A, ...(await enrol(rogueCa, { commonName: 'mallory', nodeRole: 'client', attrs: { role: 'admin' } })) };
      await expect(devnet.submit(rogue, 'Fixture:Put', ['k', 'v'])).to.be.rejectedWith(EndorseError, /^FORBIDDEN: .*not issued by OrgAMSP's CA/);
      await expect(devnet.evaluate(rogue, 'Fixture:Get', ['k'])).to.be.rejectedWith(EndorseError, 'FORBIDDEN');
      expect(await devnet.height()).to.equal(1);
    });

    it('refuses a certificate presented under another org\'s MSP and an unknown MSP', async () => {
      await expect(devnet.submit({ ...alice, mspId: B }, 'Fixture:Put', ['k', 'v'])).to.be.rejectedWith(EndorseError, 'FORBIDDEN');
      await expect(devnet.submit({ ...alice, mspId: 'NoSuchMSP' }, 'Fixture:Put', ['k', 'v'])).to.be.rejectedWith(EndorseError, 'not a member');
    });

    it('refuses a proposal signed with a key that does not match the certificate', async () => {
      const bob = await userOf(devnet, A, 'bob');
      await expect(devnet.submit({ ...alice, privateKeyPem: bob.privateKeyPem }, 'Fixture:Put', ['k', 'v'])).to.be.rejectedWith(
        EndorseError,
        'signature does not verify',
      );
    });
  });

  describe('ordering and validation', () => {
    it('commits exactly one of two concurrent read-then-write transactions; the other fails MVCC_READ_CONFLICT', async () => {
      await devnet.close();
      // A long timeout: only the idle cut can close the block, after both proposals were endorsed.
      devnet = await open(dir, { block: { timeoutMs: 5_000 } });
      const results = await Promise.allSettled([
        devnet.submit(alice, 'Fixture:Increment', ['hot']),
        devnet.submit(alice, 'Fixture:Increment', ['hot']),
      ]);
      const ok = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<Devnet['submit']>>> => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).to.have.length(1);
      expect(failed).to.have.length(1);
      const err = failed[0].reason as CommitError;
      expect(err).to.be.instanceOf(CommitError);
      expect(err.name).to.equal('CommitError');
      expect(err.validationCode).to.equal('MVCC_READ_CONFLICT');
      expect(err.blockNumber).to.equal(ok[0].value.blockNumber);
      expect(err.message).to.equal(`MVCC_READ_CONFLICT: transaction ${err.txId} invalidated in block ${err.blockNumber}`);
      expect(text(await devnet.evaluate(alice, 'Fixture:Get', ['hot']))).to.equal('1');

      const lost = await devnet.getTransaction(err.txId);
      expect(lost).to.include({ validationCode: 'MVCC_READ_CONFLICT', blockNumber: err.blockNumber });
      expect(lost?.writes).to.deep.equal([]);
    });

    it('puts concurrent submits into one block', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => devnet.submit(alice, 'Fixture:Put', [`k${i}`, `v${i}`])));
      expect(new Set(results.map((r) => r.blockNumber))).to.deep.equal(new Set([1]));
      expect(await devnet.height()).to.equal(2);
    });

    it('shares a block between concurrent submits with the three classic limits only', async () => {
      await devnet.close();
      devnet = await open(dir, { block: { cutWhenIdle: false, timeoutMs: 200, maxTx: 8 } });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => devnet.submit(alice, 'Fixture:Put', [`k${i}`, 'v'])));
      const sizes = new Map<number, number>();
      for (const r of results) sizes.set(r.blockNumber, (sizes.get(r.blockNumber) ?? 0) + 1);
      expect([...sizes.entries()].sort((x, y) => x[0] - y[0]).map(([, n]) => n)).to.deep.equal([8, 8, 4]);
    });

    it('cuts a block at maxBytes and gives an oversized transaction a block of its own', async () => {
      await devnet.close();
      devnet = await open(dir, { block: { maxBytes: 1, timeoutMs: 5_000 } });
      const results = await Promise.all([1, 2, 3].map((i) => devnet.submit(alice, 'Fixture:Put', [`k${i}`, 'v'])));
      expect(new Set(results.map((r) => r.blockNumber)).size).to.equal(3);
    });

    it('applies the endorsement policy: the creator\'s org first, then as many orgs as the policy needs', async () => {
      const majority = await devnet.submit(alice, 'Fixture:Put', ['p', 'v']);
      expect((await devnet.getTransaction(majority.txId))?.endorsers).to.deep.equal([A, B]);
      const carol = await userOf(devnet, C, 'carol');
      const fromC = await devnet.submit(carol, 'Fixture:Put', ['p', 'w']);
      expect((await devnet.getTransaction(fromC.txId))?.endorsers).to.deep.equal([C, A]);

      for (const [policy, expected] of [['ALL', [A, B, C]], ['ANY', [A]]] as const) {
        const other = await tempDir();
        const net = await open(other, { endorsementPolicy: policy });
        try {
          const user = await userOf(net, A, 'u');
          const r = await net.submit(user, 'Fixture:Put', ['p', 'v']);
          expect((await net.getTransaction(r.txId))?.endorsers).to.deep.equal(expected);
        } finally {
          await net.close();
          await removeDir(other);
        }
      }
    });

    it('describes a committed transaction for audit', async () => {
      const r = await devnet.submit(alice, 'Fixture:Tag', ['cert', 'c1', 'x']);
      const info = await devnet.getTransaction(r.txId);
      expect(info).to.deep.include({
        txId: r.txId,
        blockNumber: r.blockNumber,
        txNum: 0,
        function: 'Fixture:Tag',
        validationCode: 'VALID',
        creator: { mspId: A, id: clientIdOf(alice.certificatePem) },
        writes: ['\u0000tag\u0000cert\u0000c1\u0000'],
      });
      expect(info?.timestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(Math.abs(new Date(info!.timestamp).getTime() - Date.now())).to.be.below(60_000);
      expect(await devnet.getTransaction('0'.repeat(64))).to.equal(undefined);
    });
  });

  describe('events', () => {
    it('delivers chaincode events after commit, in block order, last setEvent of a transaction only', async () => {
      const seen: ChaincodeEvent[] = [];
      const committedWhenSeen: Array<Promise<boolean>> = [];
      const off = devnet.onEvent((event) => {
        seen.push(event);
        committedWhenSeen.push(devnet.getTransaction(event.txId).then((t) => t?.validationCode === 'VALID'));
      });
      const first = await Promise.all(['a', 'b', 'c'].map((k) => devnet.submit(alice, 'Fixture:Count', [k])));
      const second = await Promise.all(['d', 'e'].map((k) => devnet.submit(alice, 'Fixture:Count', [k])));
      await devnet.submit(alice, 'Fixture:Put', ['quiet', 'no event']);
      off();
      await devnet.submit(alice, 'Fixture:Count', ['after-off']);

      const expectedOrder = [...first, ...second];
      const byPosition = await Promise.all(expectedOrder.map(async (r) => ({ r, info: await devnet.getTransaction(r.txId) })));
      byPosition.sort((x, y) => x.info!.blockNumber - y.info!.blockNumber || x.info!.txNum - y.info!.txNum);
      expect(seen.map((e) => e.txId)).to.deep.equal(byPosition.map((p) => p.r.txId));
      expect(await Promise.all(committedWhenSeen)).to.deep.equal(seen.map(() => true));
      expect(seen.every((e) => e.eventName === COUNTED_EVENT && e.chaincodeName === devnet.chaincodeName)).to.equal(true);
      expect(JSON.parse(text(seen[0].payload))).to.have.property('value', 1);
      expect(seen[0].blockNumber).to.be.below(seen[seen.length - 1].blockNumber);
    });

    it('delivers no event for an invalidated transaction', async () => {
      await devnet.close();
      devnet = await open(dir, { block: { timeoutMs: 5_000 } });
      const events: ChaincodeEvent[] = [];
      devnet.onEvent((e) => events.push(e));
      const results = await Promise.allSettled([
        devnet.submit(alice, 'Fixture:Count', ['same']),
        devnet.submit(alice, 'Fixture:Count', ['same']),
      ]);
      const committed = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ txId: string }>;
      expect(events.map((e) => e.txId)).to.deep.equal([committed.value.txId]);
    });
  });

  describe('stored events', () => {
    it('reads them back as decoding every envelope whole would, each with its place among its block\'s events', async () => {
      await Promise.all(['a', 'b', 'c'].map((k) => devnet.submit(alice, 'Fixture:Count', [k])));
      await devnet.submit(alice, 'Fixture:Put', ['quiet', 'no event']);
      await devnet.submit(alice, 'Fixture:Count', ['d']);
      const height = await devnet.height();
      const shown = (events: StoredChaincodeEvent[]) => events.map((e) => ({ ...e, payload: Buffer.from(e.payload).toString('base64') }));
      const got = shown(await devnet.storedEvents(0, height));
      const paged = [];
      for (let n = 0; n < height; n += 2) paged.push(...shown(await devnet.storedEvents(n, n + 2)));
      expect(shown(await devnet.storedEvents(0, height, { names: new Set(['Other']) }))).to.deep.equal([]);
      expect(shown(await devnet.storedEvents(0, height, { names: new Set([COUNTED_EVENT]) }))).to.deep.equal(got);
      await devnet.close();

      const whole = [];
      for (let n = 1; n < height; n++) {
        const block = await readRawBlock(dir, n);
        let index = 0;
        for (const [txNum, envelope] of block.data.entries()) {
          const env = JSON.parse(envelope) as TransactionEnvelope;
          if (block.metadata.validationCodes[txNum] !== 'VALID' || !env.response.event) continue;
          whole.push({ blockNumber: n, index: index++, txId: env.response.txId, chaincodeName: devnet.chaincodeName, eventName: env.response.event.name, payload: env.response.event.payload });
          // An envelope of another shape is decoded whole, to the same event.
          const { event, ...response } = env.response;
          const { txId, ...afterTxId } = response;
          const { response: asStored, ...rest } = env;
          const reshaped = [
            { ...env, response: { event, ...response } },
            { ...env, response: { txId, event, ...afterTxId } },
            { response: asStored, ...rest },
          ];
          for (const other of reshaped) expect(envelopeEvent(Buffer.from(JSON.stringify(other)))).to.deep.equal({ txId, event });
          // The envelope as stored is not decoded whole: its event is found even when the rest is no JSON at all.
          expect(envelopeEvent(Buffer.from(envelope.replace('{"proposal":{', '{"proposal":{"never-parsed":,')))).to.deep.equal({ txId, event });
        }
      }
      expect(whole).to.have.length(4);
      expect(got).to.deep.equal(whole);
      expect(paged).to.deep.equal(whole);
      devnet = await open(dir);
    });
  });

  describe('queries', () => {
    it('returns key history newest first, as Fabric 2.x does, deletes included', async () => {
      const w1 = await devnet.submit(alice, 'Fixture:Put', ['h', 'one']);
      const w2 = await devnet.submit(alice, 'Fixture:Put', ['h', 'two']);
      const del = await devnet.submit(alice, 'Fixture:Delete', ['h']);
      const w3 = await devnet.submit(alice, 'Fixture:Put', ['h', 'three']);
      await devnet.submit(alice, 'Fixture:Put', ['h-other', 'noise']);
      const history = JSON.parse(text(await devnet.evaluate(alice, 'Fixture:History', ['h']))) as Array<Record<string, unknown>>;
      expect(history.map((h) => [h.txId, h.value, h.isDelete])).to.deep.equal([
        [w3.txId, 'three', false],
        [del.txId, '', true],
        [w2.txId, 'two', false],
        [w1.txId, 'one', false],
      ]);
      const info = await devnet.getTransaction(w1.txId);
      const t = history[3] as { seconds: number; nanos: number };
      expect(new Date(t.seconds * 1000).toISOString().slice(0, 19)).to.equal(info!.timestamp.slice(0, 19));
      expect(String(t.nanos).padStart(9, '0')).to.equal(info!.timestamp.slice(20, 29));
    });

    it('pages through composite keys with Fabric bookmarks: the next key, empty when done', async () => {
      for (const id of ['e', 'a', 'd', 'b', 'c']) await devnet.submit(alice, 'Fixture:Tag', ['cert', id, 'x']);
      await devnet.submit(alice, 'Fixture:Tag', ['other', 'z', 'x']);
      const page = async (size: number, bookmark: string) =>
        JSON.parse(text(await devnet.evaluate(alice, 'Fixture:TagPage', ['cert', String(size), bookmark]))) as {
          ids: string[];
          bookmark: string;
          fetched: number;
        };
      const p1 = await page(2, '');
      expect(p1).to.deep.equal({ ids: ['a', 'b'], bookmark: '\u0000tag\u0000cert\u0000c\u0000', fetched: 2 });
      const p2 = await page(2, p1.bookmark);
      expect(p2).to.deep.equal({ ids: ['c', 'd'], bookmark: '\u0000tag\u0000cert\u0000e\u0000', fetched: 2 });
      expect(await page(2, p2.bookmark)).to.deep.equal({ ids: ['e'], bookmark: '', fetched: 1 });
      expect(await page(5, '')).to.deep.equal({ ids: ['a', 'b', 'c', 'd', 'e'], bookmark: '', fetched: 5 });
    });

    it('refuses writes after a paginated query, as Fabric\'s simulator does', async () => {
      await expect(devnet.submit(alice, 'Fixture:PageThenWrite', ['cert'])).to.be.rejectedWith(
        EndorseError,
        'Transaction has already performed a paginated query. Writes are not allowed',
      );
    });

    it('keeps composite keys out of plain range queries', async () => {
      await devnet.submit(alice, 'Fixture:Put', ['b', '1']);
      await devnet.submit(alice, 'Fixture:Put', ['a', '1']);
      await devnet.submit(alice, 'Fixture:Put', ['c', '1']);
      await devnet.submit(alice, 'Fixture:Tag', ['cert', 'x', '1']);
      expect(JSON.parse(text(await devnet.evaluate(alice, 'Fixture:Range', ['', ''])))).to.deep.equal(['a', 'b', 'c']);
      expect(JSON.parse(text(await devnet.evaluate(alice, 'Fixture:Range', ['b', 'c'])))).to.deep.equal(['b']);
      await expect(devnet.evaluate(alice, 'Fixture:Range', ['\u0000tag', ''])).to.be.rejectedWith(EndorseError, 'null character');
    });

    it('iterates range reads larger than one peer batch with for await', async () => {
      await devnet.submit(alice, 'Fixture:PutMany', ['bulk-', '250']);
      const keys = JSON.parse(text(await devnet.evaluate(alice, 'Fixture:Range', ['bulk-', 'bulk.']))) as string[];
      expect(keys).to.have.length(250);
      expect(keys[0]).to.equal('bulk-000000');
      expect(keys[249]).to.equal('bulk-000249');
    });
  });

  describe('durability and integrity', () => {
    it('keeps state, height and numbering across close and reopen', async () => {
      await devnet.submit(alice, 'Fixture:Increment', ['n']);
      await devnet.submit(alice, 'Fixture:Increment', ['n']);
      await devnet.close();
      devnet = await open(dir);
      expect(await devnet.height()).to.equal(3);
      expect(text(await devnet.evaluate(alice, 'Fixture:Get', ['n']))).to.equal('2');
      const r = await devnet.submit(alice, 'Fixture:Increment', ['n']);
      expect(r.blockNumber).to.equal(3);
      expect(text(r.payload)).to.equal('3');
      expect(await devnet.verifyChain()).to.deep.equal({ ok: true, height: 4, checkedBlocks: 4 });
    });

    it('commits queued transactions before close() resolves', async () => {
      await devnet.close();
      devnet = await open(dir, { block: { cutWhenIdle: false, timeoutMs: 60_000 } });
      const pending = [devnet.submit(alice, 'Fixture:Put', ['q1', 'v']), devnet.submit(alice, 'Fixture:Put', ['q2', 'v'])];
      await devnet.close();
      const results = await Promise.all(pending);
      expect(results.map((r) => r.blockNumber)).to.deep.equal([1, 1]);
      await expect(devnet.submit(alice, 'Fixture:Put', ['late', 'v'])).to.be.rejectedWith(Error, 'closed');
      devnet = await open(dir);
      expect(text(await devnet.evaluate(alice, 'Fixture:Get', ['q2']))).to.equal('v');
    });

    it('catches a block altered on disk', async () => {
      for (let i = 0; i < 4; i++) await devnet.submit(alice, 'Fixture:Put', [`t${i}`, `v${i}`]);
      expect(await devnet.verifyChain()).to.deep.include({ ok: true, height: 5 });
      await devnet.close();
      await rewriteBlock(dir, 2, (block) => {
        block.data[0] = block.data[0].replace(Buffer.from('v1').toString('base64'), Buffer.from('v9').toString('base64'));
      });
      devnet = await open(dir);
      const result = await devnet.verifyChain();
      expect(result).to.include({ ok: false, firstBadBlock: 2, height: 5 });
      expect(result.reason).to.match(/dataHash/);
    });

    it('catches an altered block whose dataHash was recomputed, by its signatures', async () => {
      for (let i = 0; i < 3; i++) await devnet.submit(alice, 'Fixture:Put', [`t${i}`, `v${i}`]);
      await devnet.close();
      await rewriteBlock(dir, 1, (block) => {
        block.data[0] = block.data[0].replace(Buffer.from('v0').toString('base64'), Buffer.from('v7').toString('base64'));
        block.header.dataHash = computeDataHash(block.data);
      });
      devnet = await open(dir);
      const result = await devnet.verifyChain();
      expect(result).to.include({ ok: false, firstBadBlock: 1, checkedBlocks: 2 });
      expect(result.reason).to.match(/block 1: transaction [0-9a-f]{64}: its endorsements do not verify/);
    });

    it('catches an unsigned change whose dataHash was recomputed, at the next block\'s link', async () => {
      for (let i = 0; i < 3; i++) await devnet.submit(alice, 'Fixture:Put', [`t${i}`, `v${i}`]);
      await devnet.close();
      // Whitespace outside the signed parts: the signatures still hold, the bytes do not.
      await rewriteBlock(dir, 1, (block) => {
        block.data[0] = block.data[0].replace('"endorsements":', '"endorsements": ');
        block.header.dataHash = computeDataHash(block.data);
      });
      devnet = await open(dir);
      expect(await devnet.verifyChain()).to.include({ ok: false, firstBadBlock: 2 });
    });

    it('catches a rewritten last block through the stored chain head', async () => {
      await devnet.submit(alice, 'Fixture:Put', ['t', 'v']);
      await devnet.close();
      await rewriteBlock(dir, 1, (block) => {
        block.data[0] = block.data[0].replace('"endorsements":', '"endorsements": ');
        block.header.dataHash = computeDataHash(block.data);
      });
      devnet = await open(dir);
      const result = await devnet.verifyChain();
      expect(result).to.include({ ok: false, firstBadBlock: 1 });
      expect(result.reason).to.match(/head/);
    });

    it('checks a stored transaction\'s identities at its own time: a certificate that lapsed since keeps its transactions good', async () => {
      // The network's clock moves instead of the test waiting for the certificate to lapse.
      let ahead = 0;
      await devnet.close();
      devnet = await open(dir, { now: () => Date.now() + ahead });
      const org = devnet.orgs.get(A)!;
      // Valid for a minute from now.
      const brief = { mspId: A, ...(await enrol(org.ca, { commonName: 'brief', nodeRole: 'client', validityDays: 60 / 86_400 })) };
      await devnet.submit(brief, 'Fixture:Put', ['brief', 'v']);
      ahead = 2 * 60_000;
      await expect(devnet.submit(brief, 'Fixture:Put', ['brief', 'w'])).to.be.rejectedWith(EndorseError, 'validity period');
      expect(await devnet.verifyChain()).to.include({ ok: true });
    });

    it('checks every valid transaction\'s signatures when it reads the blocks back, whatever the hashes say', async () => {
      await devnet.submit(alice, 'Fixture:Put', ['s', 'v']);
      await devnet.submit(alice, 'Fixture:Put', ['s2', 'v']);
      await devnet.close();
      // An attacker with disk access who recomputes every hash, the stored head included, is caught by the signatures alone.
      const forgeBytes = async (change: (envelope: string) => string): Promise<string | undefined> => {
        const copy = await tempDir();
        try {
          await cp(dir, copy, { recursive: true });
          await rewriteChain(copy, 1, (block) => {
            block.data[0] = change(block.data[0]);
          });
          const forged = await open(copy);
          try {
            const result = await forged.verifyChain();
            expect(result).to.include({ ok: false, firstBadBlock: 1, checkedBlocks: 2 });
            return result.reason;
          } finally {
            await forged.close();
          }
        } finally {
          await removeDir(copy);
        }
      };
      const forge = (change: (env: Record<string, unknown>) => void): Promise<string | undefined> =>
        forgeBytes((envelope) => {
          const env = JSON.parse(envelope) as Record<string, unknown>;
          change(env);
          return JSON.stringify(env);
        });
      // An envelope not of the engine's shape is a fault, not a crash of the check.
      expect(await forgeBytes((envelope) => envelope.replace('{"proposal":', '{"proposal" :'))).to.match(/not a transaction envelope/);
      expect(await forgeBytes((envelope) => envelope.replace(',"fn":"', ',"function":"'))).to.match(/not a transaction envelope/);
      type Env = { proposal: { args: string[] }; signature: string; endorsements: Array<{ signature: string; mspId: string }> };
      const flip = (b64: string): string => {
        const bytes = Buffer.from(b64, 'base64');
        bytes[bytes.length - 1] ^= 1;
        return bytes.toString('base64');
      };
      expect(await forge((env) => ((env as unknown as Env).proposal.args[1] = 'w'))).to.match(/creator's signature/);
      expect(await forge((env) => ((env as unknown as Env).signature = flip((env as unknown as Env).signature)))).to.match(/creator's signature/);
      expect(await forge((env) => {
        const e = (env as unknown as Env).endorsements;
        e[1].signature = flip(e[1].signature);
      })).to.match(/endorsements do not verify/);
      expect(await forge((env) => {
        const e = (env as unknown as Env).endorsements;
        e.splice(1, 1);
      })).to.match(/endorsement policy/);
      expect(await forge((env) => {
        const e = (env as unknown as Env).endorsements;
        e[1] = { ...e[0] };
      })).to.match(/endorsement policy/);
      // Untouched, the same ledger verifies, signatures included.
      devnet = await open(dir);
      expect(await devnet.verifyChain()).to.deep.equal({ ok: true, height: 3, checkedBlocks: 3 });
    });
  });
});

/**
 * Rewrites block `n` and then every later block's previousHash and the stored
 * chain head, so that every hash agrees again: all an attacker with disk
 * access could do without the signing keys.
 */
async function rewriteChain(dataDir: string, n: number, change: (block: ReturnType<typeof decodeBlock>) => void): Promise<void> {
  const db = new Level<string, Buffer>(join(dataDir, 'ledger'), { keyEncoding: 'utf8', valueEncoding: 'buffer' });
  try {
    const head = JSON.parse((await db.get('m:head'))!.toString('utf8')) as { height: number; lastHash: string };
    let previousHash: string | undefined;
    for (let i = n; i < head.height; i++) {
      const block = decodeBlock((await db.get(storeKeyOfBlock(i)))!);
      if (i === n) {
        const before = JSON.stringify(block);
        change(block);
        if (JSON.stringify(block) === before) throw new Error('the tampering changed nothing');
        block.header.dataHash = computeDataHash(block.data);
      } else {
        block.header.previousHash = previousHash!;
      }
      previousHash = computeBlockHash(block.header);
      await db.put(storeKeyOfBlock(i), encodeBlock({ ...block, data: block.data.map((d) => Buffer.from(d, 'utf8')) }));
    }
    await db.put('m:head', Buffer.from(JSON.stringify({ ...head, lastHash: previousHash }), 'utf8'));
  } finally {
    await db.close();
  }
}

async function readRawBlock(dataDir: string, n: number) {
  const db = new Level<string, Buffer>(join(dataDir, 'ledger'), { keyEncoding: 'utf8', valueEncoding: 'buffer' });
  try {
    return decodeBlock((await db.get(storeKeyOfBlock(n)))!);
  } finally {
    await db.close();
  }
}

/** Rewrites a stored block through a raw LevelDB handle, the way an attacker with disk access would. */
async function rewriteBlock(dataDir: string, n: number, change: (block: ReturnType<typeof decodeBlock>) => void): Promise<void> {
  const db = new Level<string, Buffer>(join(dataDir, 'ledger'), { keyEncoding: 'utf8', valueEncoding: 'buffer' });
  try {
    const block = decodeBlock((await db.get(storeKeyOfBlock(n)))!);
    const before = JSON.stringify(block);
    change(block);
    if (JSON.stringify(block) === before) throw new Error('the tampering changed nothing');
    await db.put(storeKeyOfBlock(n), encodeBlock({ ...block, data: block.data.map((d) => Buffer.from(d, 'utf8')) }));
  } finally {
    await db.close();
  }
}
