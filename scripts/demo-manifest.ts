import path from 'node:path';
import { readJsonFile, writeFileAtomic } from '../gateway/src/fs-store';

/** One charity a demo seed created, and how many records of each kind it has. */
export interface DemoCharity {
  id: string;
  name: string;
  publicFundraising: boolean;
  projects: string[];
  /** Donation ids are `${id}-d${n}` for n = 1..donations. */
  donations: number;
  /** Disbursement ids are `${id}-x${n}` for n = 1..disbursements. */
  disbursements: number;
}

/** One run of `npm run seed:demo`. */
export interface DemoRun {
  tag: string;
  seed: number;
  startedAt: string;
  elapsedMs: number;
  years: number[];
  charities: DemoCharity[];
}

/** What the demo seeds put into a data directory; benchmarks pick their ids from it. */
export interface DemoManifest {
  runs: DemoRun[];
}

export const donationId = (charityId: string, n: number): string => `${charityId}-d${n}`;
export const disbursementId = (charityId: string, n: number): string => `${charityId}-x${n}`;

function manifestFile(dataDir: string): string {
  return path.join(dataDir, 'demo', 'manifest.json');
}

/** The manifest of a data directory (no runs when it was never seeded). */
export async function readManifest(dataDir: string): Promise<DemoManifest> {
  return (await readJsonFile<DemoManifest>(manifestFile(dataDir))) ?? { runs: [] };
}

/** Records a finished run. */
export async function appendRun(dataDir: string, run: DemoRun): Promise<void> {
  const manifest = await readManifest(dataDir);
  manifest.runs.push(run);
  await writeFileAtomic(manifestFile(dataDir), JSON.stringify(manifest, null, 2));
}

/** Totals over every run. */
export function manifestTotals(m: DemoManifest): { donations: number; disbursements: number } {
  let donations = 0;
  let disbursements = 0;
  for (const run of m.runs) {
    for (const c of run.charities) {
      donations += c.donations;
      disbursements += c.disbursements;
    }
  }
  return { donations, disbursements };
}
