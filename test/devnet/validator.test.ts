import '../support/setup';
import { join } from 'node:path';
import { expect } from 'chai';
import { createCA, enrol, sha256, signDigest } from '../../network/pki';
import type { SigningIdentity } from '../../network/pki/types';
import { loadOrgMaterial, parseChannelConfig, type ChannelConfig } from '../../network/devnet/bootstrap';
import { computeBlockHash, computeDataHash } from '../../network/devnet/chain';
import { buildContractRouter } from '../../network/devnet/chaincode';
import { Endorsers } from '../../network/devnet/endorser';
import { LedgerStore } from '../../network/devnet/ledger-store';
import { MspRegistry } from '../../network/devnet/msp';
import { createSignedProposal, type OrderedTx } from '../../network/devnet/transaction';
import { validateBlock } from '../../network/devnet/validator';
import type { OrgMaterial, ValidationCode } from '../../network/devnet/types';
import { contracts } from './fixtures/fixture-contract';
import { open, ORGS, removeDir, tempDir, userOf } from './helpers';

/*
 * White-box tests of block validation: transactions are endorsed by the
 * engine's own peers with real keys, then validated in orders and with
 * alterations that the public API cannot produce deterministically.
 */
describe('block validation', function () {
  this.timeout(30_000);
  let dir: string;
  let store: LedgerStore;
  let config: ChannelConfig;
  let orgs: OrgMaterial[];
  let msp: MspRegistry;
  let endorsers: Endorsers;
  let alice: SigningIdentity;

  before(async () => {
    dir = await tempDir();
    const devnet = await open(dir);
    alice = await userOf(devnet, ORGS[0].mspId, 'alice');
    for (const id of ['a', 'c', 'e']) await devnet.submit(alice, 'Fixture:Tag', ['cert', id, 'x']);
    await devnet.submit(alice, 'Fixture:Put', ['plain', '1']);
    await devnet.close();

    store = await LedgerStore.open(join(dir, 'ledger'));
    config = parseChannelConfig((await store.getBlock(0))!.data[0]);
    orgs = await Promise.all(config.orgs.map((o) => loadOrgMaterial(dir, o, false)));
    msp = new MspRegistry(config.orgs);
    endorsers = new Endorsers({
      router: buildContractRouter(contracts, 'fixture', '1.0.0'),
      store,
      msp,
      channel: config.channel,
      chaincodeName: config.chaincode,
      orgs,
      required: 2,
    });
  });

  after(async () => {
    await store.close();
    await removeDir(dir);
  });

  /** Client and peers, as submit() runs them, minus the peer's creator check. */
  async function endorsed(identity: SigningIdentity, fn: string, args: string[]): Promise<OrderedTx> {
    const sp = await createSignedProposal(identity, { channel: config.channel, chaincode: config.chaincode }, fn, args, undefined);
    return endorsers.endorse(sp, await endorsers.simulate(sp));
  }

  async function codes(txs: OrderedTx[], madeHere?: (tx: OrderedTx) => boolean): Promise<ValidationCode[]> {
    const head = (await store.getHead())!;
    return (await validateBlock(txs, { store, msp, requiredEndorsements: 2, blockNum: head.height, madeHere })).codes;
  }

  /** Validates and commits a block the way the engine does. */
  async function commit(txs: OrderedTx[]): Promise<ValidationCode[]> {
    const head = (await store.getHead())!;
    const { codes: result, updates } = await validateBlock(txs, { store, msp, requiredEndorsements: 2, blockNum: head.height });
    const data = txs.map((t) => t.bytes);
    const header = { number: head.height, previousHash: head.lastHash, dataHash: computeDataHash(data) };
    await store.commitBlock(
      {
        block: { header, data, metadata: { validationCodes: result } },
        blockHash: computeBlockHash(header),
        updates,
        txIndex: txs.map((t, txNum) => ({ txId: t.txId, txNum, validationCode: result[txNum] })),
      },
      false,
    );
    return result;
  }

  describe('phantom reads', () => {
    it('invalidates a range read when an earlier transaction of the same block inserts into the range', async () => {
      const count = await endorsed(alice, 'Fixture:CountTags', ['cert']);
      const insert = await endorsed(alice, 'Fixture:Tag', ['cert', 'b', 'x']);
      expect(await codes([insert, count])).to.deep.equal(['VALID', 'PHANTOM_READ_CONFLICT']);
      expect(await codes([count, insert])).to.deep.equal(['VALID', 'VALID']);
    });

    it('invalidates a range read when a committed block changed a key in the range', async () => {
      const count = await endorsed(alice, 'Fixture:CountTags', ['cert']);
      const change = await endorsed(alice, 'Fixture:Tag', ['cert', 'e', 'changed']);
      expect(await commit([change])).to.deep.equal(['VALID']);
      expect(await codes([count])).to.deep.equal(['PHANTOM_READ_CONFLICT']);
    });

    it('invalidates a range read when a committed block inserted a new key into the range, or deleted one from it', async () => {
      const beforeInsert = await endorsed(alice, 'Fixture:CountTags', ['cert']);
      expect(await commit([await endorsed(alice, 'Fixture:Tag', ['cert', 'd', 'new'])])).to.deep.equal(['VALID']);
      expect(await codes([beforeInsert])).to.deep.equal(['PHANTOM_READ_CONFLICT']);
      const beforeDelete = await endorsed(alice, 'Fixture:CountTags', ['cert']);
      expect(await codes([beforeDelete])).to.deep.equal(['VALID']);
      // The last key of the range: the re-run then ends before the recorded reads do.
      expect(await commit([await endorsed(alice, 'Fixture:Delete', ['\u0000tag\u0000cert\u0000e\u0000'])])).to.deep.equal(['VALID']);
      expect(await codes([beforeDelete])).to.deep.equal(['PHANTOM_READ_CONFLICT']);
    });

    it('keeps a range read valid when only keys outside the range changed, or an absent key was deleted', async () => {
      const count = await endorsed(alice, 'Fixture:CountTags', ['cert']);
      const outside = await endorsed(alice, 'Fixture:Tag', ['other', 'a', 'x']);
      const deleteAbsent = await endorsed(alice, 'Fixture:Delete', ['\u0000tag\u0000cert\u0000zz\u0000']);
      expect(await codes([outside, deleteAbsent, count])).to.deep.equal(['VALID', 'VALID', 'VALID']);
    });
  });

  describe('MVCC', () => {
    it('invalidates a read of a key written or deleted earlier in the same block', async () => {
      const read = await endorsed(alice, 'Fixture:Increment', ['plain']);
      const write = await endorsed(alice, 'Fixture:Put', ['plain', '7']);
      const del = await endorsed(alice, 'Fixture:Delete', ['plain']);
      expect(await codes([write, read])).to.deep.equal(['VALID', 'MVCC_READ_CONFLICT']);
      expect(await codes([del, read])).to.deep.equal(['VALID', 'MVCC_READ_CONFLICT']);
      expect(await codes([read, write])).to.deep.equal(['VALID', 'VALID']);
    });

    it('invalidates a read whose key a block committed after the simulation changed', async () => {
      const read = await endorsed(alice, 'Fixture:Increment', ['plain']);
      const unrelated = await endorsed(alice, 'Fixture:Increment', ['unrelated']);
      expect(await commit([await endorsed(alice, 'Fixture:Put', ['plain', '8'])])).to.deep.equal(['VALID']);
      expect(await codes([unrelated, read])).to.deep.equal(['VALID', 'MVCC_READ_CONFLICT']);
    });

    it('invalidates a read of an absent key that an earlier transaction created', async () => {
      const read = await endorsed(alice, 'Fixture:Increment', ['fresh']);
      const create = await endorsed(alice, 'Fixture:Put', ['fresh', '1']);
      expect(await codes([create, read])).to.deep.equal(['VALID', 'MVCC_READ_CONFLICT']);
    });
  });

  describe('identities and endorsements', () => {
    it('flags a repeated transaction id in the block and in the ledger as DUPLICATE_TXID', async () => {
      const tx = await endorsed(alice, 'Fixture:Put', ['dup', '1']);
      expect(await codes([tx, tx])).to.deep.equal(['VALID', 'DUPLICATE_TXID']);
      expect(await commit([tx])).to.deep.equal(['VALID']);
      expect(await codes([tx])).to.deep.equal(['DUPLICATE_TXID']);
    });

    it('flags a creator signature that does not verify as BAD_CREATOR_SIGNATURE', async () => {
      const tx = await endorsed(alice, 'Fixture:Put', ['k', '1']);
      const bob = await enrol(orgs[0].ca, { commonName: 'bob', nodeRole: 'client' });
      const forged = { ...tx, signature: signDigest(bob.privateKeyPem, sha256(tx.proposalBytes)) };
      expect(await codes([forged])).to.deep.equal(['BAD_CREATOR_SIGNATURE']);
    });

    it('flags a creator whose certificate does not chain to its org\'s CA as BAD_CREATOR_SIGNATURE', async () => {
      const rogueCa = await createCA({ commonName: 'ca.rogue', organization: 'Org A' });
      const rogue = { mspId: ORGS[0].mspId, ...(await enrol(rogueCa, { commonName: 'mallory', nodeRole: 'client' })) };
      expect(await codes([await endorsed(rogue, 'Fixture:Put', ['k', '1'])])).to.deep.equal(['BAD_CREATOR_SIGNATURE']);
    });

    it('flags too few, repeated, non-peer or mismatched endorsements as ENDORSEMENT_POLICY_FAILURE', async () => {
      const tx = await endorsed(alice, 'Fixture:Put', ['k', '2']);
      expect(await codes([tx])).to.deep.equal(['VALID']);
      const [first] = tx.endorsements;
      expect(await codes([{ ...tx, endorsements: [first] }])).to.deep.equal(['ENDORSEMENT_POLICY_FAILURE']);
      expect(await codes([{ ...tx, endorsements: [first, first] }])).to.deep.equal(['ENDORSEMENT_POLICY_FAILURE']);

      // A client of org B signing the response is not a peer endorsement.
      const client = await enrol(orgs[1].ca, { commonName: 'not-a-peer', nodeRole: 'client' });
      const byClient = { mspId: orgs[1].mspId, certificatePem: client.certificatePem, signature: signDigest(client.privateKeyPem, sha256(tx.responseBytes)) };
      expect(await codes([{ ...tx, endorsements: [first, byClient] }])).to.deep.equal(['ENDORSEMENT_POLICY_FAILURE']);

      // Endorsements over a different response do not cover this one.
      const other = await endorsed(alice, 'Fixture:Put', ['k', '3']);
      expect(await codes([{ ...tx, endorsements: other.endorsements }])).to.deep.equal(['ENDORSEMENT_POLICY_FAILURE']);
      expect(await codes([{ ...tx, responseBytes: other.responseBytes }])).to.deep.equal(['ENDORSEMENT_POLICY_FAILURE']);
    });

    it('does not verify again the signatures of a transaction made in this process, but still checks its identities and the policy', async () => {
      const tx = await endorsed(alice, 'Fixture:Put', ['k', '4']);
      const bob = await enrol(orgs[0].ca, { commonName: 'bob', nodeRole: 'client' });
      const badSignature = { ...tx, signature: signDigest(bob.privateKeyPem, sha256(tx.proposalBytes)) };
      const all = (): boolean => true;
      // Signatures are taken as made: what this process signed a moment ago needs no second check before commit.
      expect(await codes([badSignature], all)).to.deep.equal(['VALID']);
      expect(await codes([badSignature], () => false)).to.deep.equal(['BAD_CREATOR_SIGNATURE']);
      // Who signed, the transaction id and the endorsement policy are still checked.
      const rogueCa = await createCA({ commonName: 'ca.rogue', organization: 'Org A' });
      const rogue = { mspId: ORGS[0].mspId, ...(await enrol(rogueCa, { commonName: 'mallory', nodeRole: 'client' })) };
      expect(await codes([await endorsed(rogue, 'Fixture:Put', ['k', '5'])], all)).to.deep.equal(['BAD_CREATOR_SIGNATURE']);
      expect(await codes([{ ...tx, txId: 'f'.repeat(64) }], all)).to.deep.equal(['BAD_CREATOR_SIGNATURE']);
      expect(await codes([{ ...tx, endorsements: [tx.endorsements[0]] }], all)).to.deep.equal(['ENDORSEMENT_POLICY_FAILURE']);
    });
  });
});
