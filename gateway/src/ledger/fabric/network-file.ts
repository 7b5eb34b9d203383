import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CertifiedKey } from '../../../../network/pki/types';
import type { FabricOptions } from '.';

/** The connection file `npm run fabric:up` writes (network/fabric/README.md documents it). */
interface NetworkFile {
  channel: string;
  chaincode: { name: string };
  orgs: Record<string, {
    mspId: string;
    peer: { endpoint: string; hostOverride?: string; tlsCaCertPath: string };
    /** `keyPath` only in the file of the org itself. */
    ca: { certPath: string; keyPath?: string };
  }>;
}

/** Reads the connection file and returns the options for a gateway of `org`. */
export async function fabricOptionsFromFile(file: string, org: string): Promise<FabricOptions> {
  let doc: NetworkFile;
  try {
    doc = JSON.parse(await fs.readFile(file, 'utf8')) as NetworkFile;
  } catch (err) {
    throw new Error(`cannot read the Fabric connection file ${file} (run npm run fabric:up first): ${(err as Error).message}`, { cause: err });
  }
  const base = path.dirname(file);
  const read = (p: string): Promise<string> => fs.readFile(path.resolve(base, p), 'utf8');
  const mine = doc.orgs?.[org];
  if (!doc.channel || !doc.chaincode?.name || !mine) throw new Error(`${file} has no channel, chaincode or org '${org}'`);
  // A gateway enrols and signs for its own org only: it takes no other org's key, even from a file that had one.
  if (!mine.ca?.keyPath) throw new Error(`${file} holds no key of org '${org}'; start this gateway with its org's own file, .cache/fabric-net/orgs/${org}.json`);
  const cas = new Map<string, CertifiedKey>([[mine.mspId, { certificatePem: await read(mine.ca.certPath), privateKeyPem: await read(mine.ca.keyPath) }]]);
  return {
    channel: doc.channel,
    chaincode: doc.chaincode.name,
    mspId: mine.mspId,
    peer: { endpoint: mine.peer.endpoint, tlsRootCertPem: await read(mine.peer.tlsCaCertPath), hostAlias: mine.peer.hostOverride },
    otherPeers: await Promise.all(
      Object.values(doc.orgs)
        .filter((o) => o.mspId !== mine.mspId)
        .map(async (o) => ({ mspId: o.mspId, endpoint: o.peer.endpoint, tlsRootCertPem: await read(o.peer.tlsCaCertPath), hostAlias: o.peer.hostOverride })),
    ),
    certificateAuthorities: cas,
  };
}
