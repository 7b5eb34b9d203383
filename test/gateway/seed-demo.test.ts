import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MSP } from '../../chaincode/src/models';
import { loadConfig } from '../../gateway/src/config';
import * as audit from '../../gateway/src/domain/audit';
import * as charities from '../../gateway/src/domain/charities';
import { openService } from '../../gateway/src/service';
import { readManifest } from '../../scripts/demo-manifest';
import { tempDir } from '../support/gateway-harness';

const SEED = path.resolve(__dirname, '../../scripts/seed-demo.js');

function seed(dataDir: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [SEED, ...args], { env: { ...process.env, CIVIC_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

describe('demo seed', function () {
  this.timeout(60_000);

  it('fills a data directory whose per-year totals agree with its projects and its manifest', async function () {
    const dataDir = await tempDir('civic-seed-');
    try {
      const r = await seed(dataDir, ['--donations', '600', '--disbursements', '60', '--charities', '3', '--projects', '2', '--seed', '11']);
      expect(r.code, r.out).to.equal(0);
      expect(r.out).to.match(/done in [\d.]+ s: 3 charities, 6 projects, 600 donations, 60 disbursements/);
      const manifest = await readManifest(dataDir);
      expect(manifest.runs).to.have.length(1);
      const run = manifest.runs[0];
      expect(run.charities.reduce((s, c) => s + c.donations, 0)).to.equal(600);
      expect(run.charities.reduce((s, c) => s + c.disbursements, 0)).to.equal(60);

      const service = await openService(loadConfig({ CIVIC_DATA_DIR: dataDir, PORT: '0' }));
      try {
        const auditor = await service.ctx.wallet.identity(MSP.audit, 'seed-check', { role: 'auditor' });
        for (const c of run.charities) {
          let raised = 0;
          let disbursed = 0;
          for (const id of c.projects) {
            const p = await charities.getProject(service.ctx, auditor, id);
            expect(p.balance).to.equal(p.raised - p.disbursed).and.to.be.at.least(0);
            raised += p.raised;
            disbursed += p.disbursed;
          }
          let income = 0;
          let spent = 0;
          let donations = 0;
          let disbursements = 0;
          for (const year of run.years) {
            const report = await audit.annualReport(service.ctx, auditor, c.id, year);
            income += report.income;
            spent += report.expenditure.total;
            donations += report.counts.donations;
            disbursements += report.counts.disbursements;
          }
          expect({ income, spent, donations, disbursements }).to.deep.equal({ income: raised, spent: disbursed, donations: c.donations, disbursements: c.disbursements });
        }
      } finally {
        await service.close();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses bad arguments with one clear line', async function () {
    const dataDir = await tempDir('civic-seed-');
    try {
      const r = await seed(dataDir, ['--donations', '-5']);
      expect(r.code).to.equal(1);
      expect(r.out.trim()).to.equal('seed:demo: --donations must be an integer from 1 to 10000000');
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
