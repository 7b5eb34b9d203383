import '../support/setup';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDevnet, type Devnet, type DevnetOptions } from '../../network/devnet';
import { enrol } from '../../network/pki';
import type { SigningIdentity } from '../../network/pki/types';
import { contracts } from './fixtures/fixture-contract';

/** The three orgs every devnet test runs with. */
export const ORGS = [
  { mspId: 'OrgAMSP', name: 'Org A' },
  { mspId: 'OrgBMSP', name: 'Org B' },
  { mspId: 'OrgCMSP', name: 'Org C' },
];

/** A fresh temporary directory; remove it with {@link removeDir}. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'devnet-test-'));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Opens a devnet over the fixture contract in `dataDir`. */
export function open(dataDir: string, extra: Partial<DevnetOptions> = {}): Promise<Devnet> {
  return openDevnet({ dataDir, contracts, orgs: ORGS, ...extra });
}

/** Enrols a client of `mspId` with the org's CA, as the gateway would. */
export async function userOf(devnet: Devnet, mspId: string, commonName: string, attrs?: Record<string, string>): Promise<SigningIdentity> {
  const org = devnet.orgs.get(mspId);
  if (!org) throw new Error(`no org ${mspId}`);
  const cert = await enrol(org.ca, { commonName, nodeRole: 'client', attrs });
  return { mspId, ...cert };
}

/** Decodes a chaincode payload as UTF-8 text. */
export function text(payload: Uint8Array): string {
  return Buffer.from(payload).toString('utf8');
}
