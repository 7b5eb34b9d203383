import '../gateway/src/chaincode-log-level';
import { randomBytes } from 'node:crypto';
import { MAX_BATCH } from '../chaincode/src/functions';
import { MSP, type DisbursementCategory } from '../chaincode/src/models';
import { ConfigError, loadConfig } from '../gateway/src/config';
import * as charities from '../gateway/src/domain/charities';
import type { DomainContext } from '../gateway/src/domain/context';
import * as donations from '../gateway/src/domain/donations';
import { openService } from '../gateway/src/service';
import type { SigningIdentity } from '../network/pki/types';
import { parseArgs } from '../shared/args';
import { appendRun, disbursementId, donationId, type DemoCharity, type DemoRun } from './demo-manifest';
import { sampleCreditCode, sampleResidentId } from './sample-ids';

const USAGE = `usage: npm run seed:demo -- --donations <n> [--disbursements <n>] [--charities <n>] [--projects <n>] [--seed <n>]
Fills the data directory (CIVIC_DATA_DIR, default ./data, as npm start) with a realistic demo: charities
registered by the civil registrar, their projects, donations over the last three years (imported in
batches of up to ${MAX_BATCH}, one ledger transaction each) and disbursements in time order, all through the
gateway's own domain code and the chaincode's rules. Stop the service first: the ledger takes one process.
Defaults: --disbursements = donations / 10, --charities 8, --projects 5.`;

const CHARITY_NAMES = [
  '春苗助学基金会', '清泉乡村发展基金会', '暖阳助老慈善会', '绿野生态保护基金会', '仁心医疗救助基金会',
  '星光残障关爱中心', '守望应急救灾基金会', '书香公益促进会', '同心社区服务中心', '海岸线环境保护协会',
];
const PROJECT_TITLES = [
  '乡村儿童营养午餐', '留守儿童图书角', '大病医疗救助', '山区饮水工程', '助残康复训练', '社区养老食堂',
  '灾后重建', '寒门学子奖学金', '环境教育进校园', '听障儿童人工耳蜗', '乡村教师培训', '独居老人探访',
];
const CHANNELS = ['alipay', 'wechat-pay', 'bank-transfer', 'tencent-charity', 'cash'];
const PAYEES: Record<DisbursementCategory, string[]> = {
  program: ['县第一中心小学', '市人民医院', '清源净水设备有限公司', '乡镇卫生院', '康复辅具服务中心', '社区老年食堂'],
  management: ['诚信会计师事务所', '安居物业管理有限公司', '机构员工薪酬'],
  fundraising: ['网络募捐平台服务费', '公益传播工作室', '年度筹款活动场地'],
};

/** mulberry32: a small seeded PRNG, so a demo can be reproduced with --seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function positiveInt(raw: string | boolean | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
  return n;
}

interface Plan {
  charity: DemoCharity;
  /** Events in time order: donations (with their amounts) and disbursements. */
  events: Array<{ at: number; kind: 'donation' | 'disbursement' }>;
  /** Spending habits: the share of disbursements that go to each category. */
  mix: Record<DisbursementCategory, number>;
  /** How much of a project's balance a payment takes, [min, max), by kind. */
  share: { program: [number, number]; overhead: [number, number] };
  /** Its own random stream, so that concurrent charities replay the same with the same --seed. */
  random: () => number;
}

interface Progress {
  donations: number;
  disbursements: number;
  deferred: number;
}

const CST_MS = 8 * 3600 * 1000;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { donations: 'string', disbursements: 'string', charities: 'string', projects: 'string', seed: 'string', help: 'boolean' });
  if (args.help) return void console.log(USAGE);
  const nDonations = positiveInt(args.donations, 'donations', 10_000, 10_000_000);
  const nDisbursements = positiveInt(args.disbursements, 'disbursements', Math.max(1, Math.floor(nDonations / 10)), 10_000_000);
  const nCharities = positiveInt(args.charities, 'charities', 8, CHARITY_NAMES.length);
  const nProjects = positiveInt(args.projects, 'projects', 5, PROJECT_TITLES.length);
  const seed = positiveInt(args.seed, 'seed', Date.now() % 2_147_483_647, 2_147_483_647);
  const random = prng(seed);
  const tag = `demo-${randomBytes(3).toString('hex')}`;

  const config = loadConfig();
  const started = Date.now();
  console.log(
    `seed:demo: data=${config.dataDir} ledger=${config.ledger} tag=${tag} donations=${nDonations} disbursements=${nDisbursements} ` +
      `charities=${nCharities} projects/charity=${nProjects} seed=${seed}`,
  );
  const service = await openService(config, { progress: (msg) => console.log(`seed:demo: ${msg}`) });
  const ctx: DomainContext = service.ctx;
  try {
    // Three accounting years (UTC+8): two full past years and this one up to now, within the ledger's 3-year window.
    const now = Date.now() - 60_000;
    const thisYear = new Date(now + CST_MS).getUTCFullYear();
    const from = Math.max(Date.UTC(thisYear - 2, 0, 1) - CST_MS, now - 1090 * 86_400_000);
    const years = [thisYear - 2, thisYear - 1, thisYear];

    const registrar = await ctx.wallet.identity(MSP.civil, 'demo-registrar', { role: 'registrar' });
    const weights = Array.from({ length: nCharities }, () => 0.5 + random());
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const plans: Plan[] = [];
    let donationsLeft = nDonations;
    let disbursementsLeft = nDisbursements;
    for (let k = 0; k < nCharities; k++) {
      const last = k === nCharities - 1;
      const nd = last ? donationsLeft : Math.round((nDonations * weights[k]) / weightSum);
      const nx = last ? disbursementsLeft : Math.round((nDisbursements * weights[k]) / weightSum);
      donationsLeft -= nd;
      disbursementsLeft -= nx;
      const id = `${tag}-c${k + 1}`;
      // Most charities are sound; of every four, one spends too slowly for art. 61's 70% and one
      // spends too much on management. One in three lacks public fundraising (no findings then).
      const profile = k % 4 === 1 ? 'slow' : k % 4 === 3 ? 'costly' : 'sound';
      const charity: DemoCharity = { id, name: CHARITY_NAMES[k], publicFundraising: k % 3 !== 2, projects: [], donations: 0, disbursements: 0 };
      const events: Plan['events'] = [];
      for (let i = 0; i < nd; i++) events.push({ at: from + random() * (now - from), kind: 'donation' });
      // Spending lags income a little: disbursement dates lean towards the end.
      for (let i = 0; i < nx; i++) events.push({ at: from + Math.sqrt(random()) * (now - from), kind: 'disbursement' });
      events.sort((a, b) => a.at - b.at);
      const mix = profile === 'costly' ? { program: 0.6, management: 0.3, fundraising: 0.1 } : { program: 0.8, management: 0.1, fundraising: 0.1 };
      const share: Plan['share'] = {
        program: profile === 'slow' ? [0.05, 0.25] : [0.2, 0.8],
        overhead: profile === 'costly' ? [0.2, 0.6] : [0.05, 0.3],
      };
      plans.push({ charity, events, mix, share, random: prng(seed + k + 1) });
    }

    const progress: Progress = { donations: 0, disbursements: 0, deferred: 0 };
    const report = (): void => {
      const s = (Date.now() - started) / 1000;
      const done = progress.donations + progress.disbursements;
      const all = nDonations + nDisbursements;
      const rate = done / Math.max(s, 0.001);
      const eta = rate > 0 ? Math.ceil((all - done) / rate) : 0;
      console.log(
        `seed:demo: ${progress.donations.toLocaleString('en')}/${nDonations.toLocaleString('en')} donations, ` +
          `${progress.disbursements.toLocaleString('en')}/${nDisbursements.toLocaleString('en')} disbursements ` +
          `(${((100 * done) / all).toFixed(0)}%, ${rate.toFixed(0)} records/s, ${s.toFixed(0)} s, ETA ${eta} s)`,
      );
    };
    const ticker = setInterval(report, 5000);
    try {
      await Promise.all(plans.map((plan) => seedCharity(ctx, registrar, plan, { nProjects, progress, now })));
    } finally {
      clearInterval(ticker);
    }
    report();

    const elapsedMs = Date.now() - started;
    const run: DemoRun = { tag, seed, startedAt: new Date(started).toISOString(), elapsedMs, years, charities: plans.map((p) => p.charity) };
    await appendRun(config.dataDir, run);
    const x = plans.reduce((sum, p) => sum + p.charity.disbursements, 0);
    console.log(
      `seed:demo: done in ${(elapsedMs / 1000).toFixed(1)} s: ${nCharities} charities, ${nCharities * nProjects} projects, ` +
        `${nDonations.toLocaleString('en')} donations, ${x.toLocaleString('en')} disbursements` +
        `${progress.deferred > 0 ? ` (${progress.deferred} dropped: no project had money left)` : ''}; years ${years.join(', ')}`,
    );
    console.log(`seed:demo: e.g. charity ${plans[0].charity.id}, donation ${donationId(plans[0].charity.id, 1)}, disbursement ${disbursementId(plans[0].charity.id, 1)}`);
  } finally {
    await service.close();
  }
}

interface SeedTools {
  nProjects: number;
  progress: Progress;
  now: number;
}

/** A donation in fen: mostly small gifts, some larger ones, a few major gifts. */
function donationAmount(random: () => number): number {
  const r = random();
  if (r < 0.8) return 1_000 + Math.floor(random() * 49_000);
  if (r < 0.98) return 50_000 + Math.floor(random() * 950_000);
  return 1_000_000 + Math.floor(random() * 49_000_000);
}

/**
 * Registers a charity and its projects, then replays its timeline: donations
 * gather into batches, and each disbursement first flushes the batch, so
 * that it is recorded after the money it spends, as in real life.
 */
async function seedCharity(ctx: DomainContext, registrar: SigningIdentity, plan: Plan, t: SeedTools): Promise<void> {
  const { charity, random } = plan;
  const { progress } = t;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  await charities.registerCharity(ctx, registrar, {
    id: charity.id,
    name: charity.name,
    creditCode: sampleCreditCode(random),
    publicFundraising: charity.publicFundraising,
  });
  const staff = await ctx.wallet.identity(MSP.charity, `demo-staff-${charity.id}`, { role: 'charity', charity: charity.id });
  const balances = new Map<string, number>();
  for (let p = 1; p <= t.nProjects; p++) {
    const id = `${charity.id}-p${p}`;
    await charities.createProject(ctx, staff, charity.id, { id, title: PROJECT_TITLES[(p - 1) % PROJECT_TITLES.length], targetAmount: 1_000_000_000 });
    charity.projects.push(id);
    balances.set(id, 0);
  }
  // Repeat donors are common; a tenth of gifts are anonymous.
  const donors = Array.from({ length: Math.max(50, Math.ceil(plan.events.length / 5)) }, () => sampleResidentId(random));
  const beneficiaries = Array.from({ length: 200 }, () => sampleResidentId(random));
  let batch: Array<Record<string, unknown>> = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    await donations.importDonations(ctx, staff, charity.id, { items });
    progress.donations += items.length;
  };

  /** Pays from a project with money, dated `at`; false when no project has any yet. */
  const spend = async (at: string): Promise<boolean> => {
    const funded = charity.projects.filter((p) => (balances.get(p) ?? 0) > 0);
    if (funded.length === 0) return false;
    const projectId = pick(funded);
    const balance = balances.get(projectId) ?? 0;
    const r = random();
    const category: DisbursementCategory = r < plan.mix.program ? 'program' : r < plan.mix.program + plan.mix.management ? 'management' : 'fundraising';
    // Program payments spend a good part of the balance; overheads are smaller bills.
    const [lo, hi] = category === 'program' ? plan.share.program : plan.share.overhead;
    const amount = Math.max(1, Math.min(balance, Math.floor(balance * (lo + random() * (hi - lo)))));
    const toPerson = category === 'program' && random() < 0.5;
    charity.disbursements++;
    await donations.recordDisbursement(ctx, staff, charity.id, {
      id: disbursementId(charity.id, charity.disbursements),
      projectId,
      amount,
      category,
      ...(toPerson ? { beneficiary: { idNumber: pick(beneficiaries), name: '受助人' } } : { payee: pick(PAYEES[category]) }),
      evidenceDigest: randomBytes(32).toString('hex'),
      paidAt: at,
    });
    balances.set(projectId, balance - amount);
    progress.disbursements++;
    return true;
  };

  // Disbursements dated before any money came in wait for the next donations.
  let waiting = 0;
  for (const event of plan.events) {
    const at = new Date(Math.min(event.at, t.now)).toISOString();
    if (event.kind === 'donation') {
      const projectId = pick(charity.projects);
      const amount = donationAmount(random);
      const anonymous = random() < 0.1;
      charity.donations++;
      batch.push({
        id: donationId(charity.id, charity.donations),
        projectId,
        amount,
        donor: anonymous ? { anonymous: true } : { idNumber: pick(donors), name: '捐赠人' },
        channel: pick(CHANNELS),
        receivedAt: at,
      });
      balances.set(projectId, (balances.get(projectId) ?? 0) + amount);
      if (batch.length >= MAX_BATCH) await flush();
      continue;
    }
    await flush();
    waiting++;
    while (waiting > 0 && (await spend(at))) waiting--;
  }
  await flush();
  const end = new Date(t.now).toISOString();
  while (waiting > 0 && (await spend(end))) waiting--;
  progress.deferred += waiting;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`seed:demo: configuration error: ${err.message}`);
  else console.error(`seed:demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
