import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCA, enrol } from '../pki';
import type { CertifiedKey } from '../pki/types';
import type { EncodableBlock } from './block-codec';
import { computeBlockHash, computeDataHash } from './chain';
import type { ChannelOrg } from './msp';
import type { DevnetOptions, OrgDefinition, OrgMaterial } from './types';

/** Endorsement policies the channel config can name. */
export type EndorsementPolicy = NonNullable<DevnetOptions['endorsementPolicy']>;

/** The channel configuration, held in the genesis block. */
export interface ChannelConfig {
  type: 'config';
  channel: string;
  chaincode: string;
  endorsementPolicy: EndorsementPolicy;
  orgs: ChannelOrg[];
}

const MSP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Number of distinct orgs a policy requires out of `orgCount`. */
export function requiredOrgs(policy: EndorsementPolicy, orgCount: number): number {
  switch (policy) {
    case 'ANY':
      return 1;
    case 'MAJORITY':
      return Math.floor(orgCount / 2) + 1;
    case 'ALL':
      return orgCount;
  }
}

/** Checks org definitions; mspIds become directory names, so they are restricted. */
export function checkOrgDefinitions(orgs: readonly OrgDefinition[]): void {
  if (!Array.isArray(orgs) || orgs.length === 0) throw new TypeError('orgs must be a non-empty array');
  const seen = new Set<string>();
  // Array.isArray widens a readonly array's items to `any`; they are checked one by one below.
  for (const org of orgs as readonly OrgDefinition[]) {
    if (!org || typeof org.mspId !== 'string' || !MSP_ID.test(org.mspId)) {
      throw new TypeError(`org mspId must match ${String(MSP_ID)}, got ${String(org?.mspId)}`);
    }
    if (typeof org.name !== 'string' || org.name.length === 0) throw new TypeError(`org ${org.mspId} needs a name`);
    if (seen.has(org.mspId)) throw new TypeError(`org ${org.mspId} is listed twice`);
    seen.add(org.mspId);
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

async function readPair(dir: string, name: string): Promise<CertifiedKey | undefined> {
  try {
    const [certificatePem, privateKeyPem] = await Promise.all([
      readFile(join(dir, `${name}-cert.pem`), 'utf8'),
      readFile(join(dir, `${name}-key.pem`), 'utf8'),
    ]);
    return { certificatePem, privateKeyPem };
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

async function writeAtomically(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}

async function writePair(dir: string, name: string, pair: CertifiedKey): Promise<void> {
  // The key first: a certificate on disk then always has its key.
  await writeAtomically(join(dir, `${name}-key.pem`), pair.privateKeyPem, 0o600);
  await writeAtomically(join(dir, `${name}-cert.pem`), pair.certificatePem, 0o644);
}

/**
 * Loads an org's CA and peer from `<dataDir>/crypto/<mspId>/`, creating
 * whichever is missing when `create` is set.
 */
export async function loadOrgMaterial(dataDir: string, org: OrgDefinition, create: boolean): Promise<OrgMaterial> {
  const dir = join(dataDir, 'crypto', org.mspId);
  let ca = await readPair(dir, 'ca');
  let peer = await readPair(dir, 'peer');
  if (!ca || !peer) {
    if (!create) throw new Error(`crypto material of ${org.mspId} is missing from ${dir}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const slug = org.mspId.toLowerCase();
    if (!ca) {
      ca = await createCA({ commonName: `ca.${slug}`, organization: org.name });
      await writePair(dir, 'ca', ca);
      // A new CA invalidates any peer it did not sign.
      peer = undefined;
    }
    if (!peer) {
      peer = await enrol(ca, { commonName: `peer0.${slug}`, nodeRole: 'peer', validityDays: 3650 });
      await writePair(dir, 'peer', peer);
    }
  }
  return { mspId: org.mspId, name: org.name, ca, peer };
}

/** The genesis block: block 0, holding the channel config as its only entry. */
export function genesisBlock(config: ChannelConfig): { block: EncodableBlock; hash: string } {
  const data = [Buffer.from(JSON.stringify(config), 'utf8')];
  const header = { number: 0, previousHash: '', dataHash: computeDataHash(data) };
  return { block: { header, data, metadata: { validationCodes: ['VALID'] } }, hash: computeBlockHash(header) };
}

/** Reads the channel config back from the genesis block's data. */
export function parseChannelConfig(entry: string | undefined): ChannelConfig {
  const config = (entry ? JSON.parse(entry) : undefined) as ChannelConfig | undefined;
  if (!config || config.type !== 'config' || !Array.isArray(config.orgs)) throw new Error('the genesis block holds no channel config');
  return config;
}
