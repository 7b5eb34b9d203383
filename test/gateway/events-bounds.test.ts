import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { getDefaultHighWaterMark } from 'node:stream';
import { EVENTS } from '../../chaincode/src/events';
import { FN } from '../../chaincode/src/functions';
import { MSP } from '../../chaincode/src/models';
import { chaincodeEventsFor } from '../../gateway/src/domain/events';
import { ledgers, type Ledger, type LedgerEvent } from '../../gateway/src/ledger';
import { Wallet } from '../../gateway/src/wallet/wallet';
import type { SigningIdentity } from '../../network/pki/types';
import { sampleCreditCode } from '../../scripts/sample-ids';
import { expectProblem, lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { startEmbedded, tempDir } from '../support/gateway-harness';
import { client, type Call } from '../support/http';
import { sample, until } from '../support/poll';
import { openSse, openStuckSse, type SseStream } from '../support/sse';

type Gateway = Awaited<ReturnType<typeof startEmbedded>>;

describe('event stream bounds', function () {
  this.timeout(30_000);
  let h: Gateway;
  let api: Call;

  before(async function () {
    h = await startEmbedded({ EVENTS_MAX_STREAMS_PER_USER: '2', EVENTS_MAX_STREAMS: '4' });
    api = client(h.baseUrl);
  });
  after(async () => h?.close());

  const stream = (token: string) => openSse(`${h.baseUrl}/api/v1/events`, { authorization: `Bearer ${token}` });
  const member = (sub: string, org: 'civil' | 'audit' = 'civil') => h.token({ sub, org, roles: org === 'audit' ? ['auditor'] : ['verifier'] });

  /** One attempt to open a stream: a refusal with its headers and problem, or a stream, closed again at once. */
  async function attempt(token: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> | undefined }> {
    const abort = new AbortController();
    const res = await fetch(`${h.baseUrl}/api/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    if (res.status === 200) {
      abort.abort();
      return { status: res.status, headers: res.headers, body: undefined };
    }
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  }

  async function closeAll(streams: SseStream[]): Promise<void> {
    for (const s of streams) s.close();
    await until(() => h.service.ctx.state.eventStreams.size === 0, 'every stream to close');
  }

  it("refuses a user's stream past EVENTS_MAX_STREAMS_PER_USER with 429 and Retry-After, serves other users, and frees the slot on close", async function () {
    const [alice, bob, aliceAtAudit] = await Promise.all([member('ev-alice'), member('ev-bob'), member('ev-alice', 'audit')]);
    const open = [await stream(alice), await stream(alice)];
    try {
      expect(open.map((s) => s.status)).to.deep.equal([200, 200]);
      const refused = await attempt(alice);
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).to.be.above(0);
      expect(refused.body?.detail).to.match(/per user/);
      // Another user, and the same sub in another org, are other users.
      open.push(await stream(bob), await stream(aliceAtAudit));
      expect(open.slice(2).map((s) => s.status)).to.deep.equal([200, 200]);

      open[0].close();
      await until(() => h.service.ctx.state.eventStreams.size === 3, "the server to see alice's stream close");
      open[0] = await stream(alice);
      expect(open[0].status).to.equal(200);
      expect(sample((await api('GET', '/metrics')).text, 'civic_events_refused_total', { bound: 'user' })).to.equal(1);
    } finally {
      await closeAll(open);
    }
  });

  it('refuses any stream past EVENTS_MAX_STREAMS with 429 and Retry-After, until one closes', async function () {
    const users = await Promise.all(['ev-u1', 'ev-u2', 'ev-u3', 'ev-u4', 'ev-u5'].map((sub) => member(sub)));
    const open: SseStream[] = [];
    try {
      for (const u of users.slice(0, 4)) open.push(await stream(u));
      expect(open.map((s) => s.status)).to.deep.equal([200, 200, 200, 200]);
      const refused = await attempt(users[4]);
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).to.be.above(0);
      expect(refused.body?.detail).to.match(/this gateway/);
      expect(sample((await api('GET', '/metrics')).text, 'civic_events_refused_total', { bound: 'gateway' })).to.equal(1);

      open.shift()?.close();
      await until(() => h.service.ctx.state.eventStreams.size === 3, 'the server to see a stream close');
      open.push(await stream(users[4]));
      expect(open[open.length - 1].status).to.equal(200);
    } finally {
      await closeAll(open);
    }
  });
});

describe('event stream backpressure', function () {
  this.timeout(60_000);
  /** What one stream may hold: the socket's high-water mark, plus the one event whose write crossed it. */
  const BOUND = getDefaultHighWaterMark(false) + 4096;
  const TYPES = '?types=certificate.issued';
  let h: Gateway;
  let api: Call;
  let auditor: string;
  let unix: http.Server;
  let socketPath: string;
  /** The ids of every certificate.issued event, as a client that reads everything gets them. */
  let all: string[];

  before(async function () {
    h = await startEmbedded({ EVENTS_STALL_TIMEOUT_MS: '1000', EMBEDDED_CHECK_DETERMINISM: '0' });
    api = client(h.baseUrl);
    auditor = await h.token({ sub: 'ev-bp-auditor', org: 'audit', roles: ['auditor'] });
    const issuer = await h.token({ sub: 'ev-bp-clerk', org: 'civil', roles: ['issuer'] });
    for (let b = 0; b < 2; b++) {
      const r = await api('POST', '/api/v1/certificates/batch', { token: issuer, body: { items: Array.from({ length: 1000 }, () => lowIncomeBody(newIdNumber())) } });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
    }
    // The same gateway app, also on a Unix socket (see openStuckSse).
    socketPath = path.join(h.dataDir, 'events.sock');
    unix = http.createServer(h.service.app);
    await new Promise<void>((resolve) => unix.listen(socketPath, resolve));
    const reader = await openSse(`${h.baseUrl}/api/v1/events${TYPES}&after=0.0.0`, { authorization: `Bearer ${auditor}` });
    try {
      all = (await reader.waitFor(() => true, 2000, 20_000)).map((e) => e.id as string);
    } finally {
      reader.close();
    }
  });
  after(async () => {
    unix?.closeAllConnections();
    await new Promise<void>((resolve) => (unix ? unix.close(() => resolve()) : resolve()));
    await h?.close();
  });

  const metrics = async () => (await api('GET', '/metrics')).text;
  const stalled = async () => sample(await metrics(), 'civic_events_stalled_total') ?? 0;

  /** Opens a replay of every certificate event that reads nothing, and waits until the gateway gives up on it. */
  async function stuckReplay(): Promise<{ stuck: Awaited<ReturnType<typeof openStuckSse>>; mostBuffered: number; closed: boolean }> {
    const before = await stalled();
    const stuck = await openStuckSse(socketPath, `/api/v1/events${TYPES}&after=0.0.0`, { authorization: `Bearer ${auditor}` });
    expect(stuck.status).to.equal(200);
    let mostBuffered = 0;
    let closed = false;
    await until(async () => {
      const text = await metrics();
      mostBuffered = Math.max(mostBuffered, sample(text, 'civic_events_buffered_bytes') ?? Infinity);
      closed = (sample(text, 'civic_events_stalled_total') ?? 0) > before;
      return closed || mostBuffered > BOUND;
    }, 'the gateway to close the stuck stream', 10_000);
    return { stuck, mostBuffered, closed };
  }

  it('buffers no more than the socket high-water mark for a client that reads nothing, and closes it once stuck', async function () {
    const { stuck, mostBuffered, closed } = await stuckReplay();
    try {
      expect(mostBuffered, `${mostBuffered} bytes buffered for one stream`).to.be.at.most(BOUND);
      // Something was held back: the kernel's buffers were full, so the replay did meet backpressure.
      expect(mostBuffered).to.be.above(0);
      expect(closed, 'closed by the gateway').to.equal(true);
      await until(() => h.service.ctx.state.eventStreams.size === 0, 'the stalled stream to free its slot');
      expect(sample(await metrics(), 'civic_events_subscribers')).to.equal(0);
    } finally {
      stuck.close();
    }
  });

  it('resumes a stream closed for being stuck, with Last-Event-ID, with no gap and no duplicate', async function () {
    const { stuck, closed } = await stuckReplay();
    expect(closed, 'closed by the gateway').to.equal(true);
    const got = await stuck.drain();
    expect(got.length, 'events that reached the stuck client').to.be.above(0).and.below(all.length);
    const again = await openSse(`${h.baseUrl}/api/v1/events${TYPES}`, { authorization: `Bearer ${auditor}`, 'last-event-id': got[got.length - 1].id as string });
    try {
      const rest = await again.waitFor(() => true, all.length - got.length, 20_000);
      expect([...got, ...rest].map((e) => e.id)).to.deep.equal(all);
    } finally {
      again.close();
    }
  });

  it('reads only the chaincode events a member could be sent', function () {
    const verifier = { mspId: MSP.civil, roles: ['verifier'] };
    const staff = { mspId: MSP.charity, roles: ['charity'], charity: 'c1' };
    expect([...chaincodeEventsFor(verifier, new Set(['certificate.issued']))].sort()).to.deep.equal([EVENTS.certificateIssued, EVENTS.certificatesIssued].sort());
    // Charities' records are never read for a member who may read none of them.
    expect(chaincodeEventsFor(verifier, new Set(['donation.recorded'])).size).to.equal(0);
    expect(chaincodeEventsFor(verifier)).to.not.include(EVENTS.donationsImported);
    expect([...chaincodeEventsFor(staff, new Set(['donation.recorded']))].sort()).to.deep.equal([EVENTS.donationRecorded, EVENTS.donationsImported].sort());
    // Events the stream never sends (a key's status change) are never decoded.
    expect(chaincodeEventsFor(staff)).to.not.include(EVENTS.issuerKeyStatusChanged);
  });
});

describe('embedded ledger events for a busy subscriber', function () {
  this.timeout(30_000);
  let dataDir: string;
  let ledger: Ledger;
  let registrar: SigningIdentity;

  before(async function () {
    dataDir = await tempDir('civic-ledger-events-');
    // A queue of one event: the next live event that finds the subscriber busy sends it back to the store.
    ledger = await ledgers.embedded({ dataDir, liveQueueBytes: 1 });
    registrar = await new Wallet(path.join(dataDir, 'wallet'), ledger.certificateAuthorities).identity(MSP.civil, 'ev-registrar', { role: 'registrar' });
  });
  after(async () => {
    await ledger?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const register = async (id: string) =>
    (await ledger.submit(registrar, FN.registerCharity, [JSON.stringify({ id, name: '基金会', creditCode: sampleCreditCode(), publicFundraising: false })])).txId;
  const positions = (events: LedgerEvent[]) => events.map((e) => `${e.blockNumber}.${e.index} ${e.txId}`);

  /** A subscriber that holds on to its first event until released, as one whose client stopped reading. */
  function busy(fromBlock: number) {
    const got: LedgerEvent[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const stop = ledger.subscribe(async (e) => {
      got.push(e);
      if (got.length === 1) await held;
    }, { fromBlock });
    return { got, release, stop };
  }

  function free(fromBlock: number) {
    const got: LedgerEvent[] = [];
    const stop = ledger.subscribe((e) => void got.push(e), { fromBlock });
    return { got, stop };
  }

  it('delivers every live event once and in order after the queue overflowed', async function () {
    const from = await ledger.height();
    const slow = busy(from);
    try {
      const written: string[] = [];
      for (let i = 0; i < 5; i++) written.push(await register(`busy-live-${i}`));
      await until(() => slow.got.length === 1, 'the first event');
      slow.release();
      await until(() => slow.got.length >= written.length, 'every event');
      expect(slow.got.map((e) => e.txId)).to.deep.equal(written);
      const replay = free(from);
      await until(() => replay.got.length >= written.length, 'the replay');
      replay.stop();
      expect(positions(slow.got)).to.deep.equal(positions(replay.got));
    } finally {
      slow.stop();
    }
  });

  it('replays, then goes live, once each and in order, for a subscriber busy while both went on; and stops when told', async function () {
    const slow = busy(0);
    try {
      let last = '';
      for (let i = 0; i < 5; i++) last = await register(`busy-replay-${i}`);
      slow.release();
      const reference = free(0);
      await until(() => slow.got.some((e) => e.txId === last) && reference.got.some((e) => e.txId === last), 'the last event in both');
      expect(positions(slow.got)).to.deep.equal(positions(reference.got));
      expect(new Set(positions(slow.got)).size).to.equal(slow.got.length);

      slow.stop();
      const after = await register('busy-after-stop');
      await until(() => reference.got.some((e) => e.txId === after), 'the event after stop');
      reference.stop();
      expect(slow.got.map((e) => e.txId)).to.not.include(after);
    } finally {
      slow.stop();
    }
  });
});
