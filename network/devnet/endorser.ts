import type { KeyObject } from 'node:crypto';
import type { ChaincodeResponse } from 'fabric-shim';
import { privateKeyOf, sha256, signDigestAsync, verifySignatureAsync } from '../pki';
import type { ContractRouter } from './chaincode';
import { EndorseError } from './errors';
import type { LedgerStore, StateView } from './ledger-store';
import type { MspRegistry } from './msp';
import type { CertificateInfo } from '../pki/identity';
import { rwSetToJson } from './rwset';
import { DevnetStub, type Simulation } from './stub';
import { assembleTransaction, computeTxId, type Endorsement, type OrderedTx, type ProposalResponsePayload, type ProposalDraft, type SignedProposal } from './transaction';
import type { OrgMaterial } from './types';

/** A successful simulation: the chaincode's answer and what it read and wrote. */
export interface SimulationResult extends Simulation {
  status: number;
  message: string;
  payload: Buffer;
}

interface Peer {
  mspId: string;
  certificatePem: string;
  key: KeyObject;
}

/** Options of {@link Endorsers}. */
export interface EndorsersOptions {
  router: ContractRouter;
  store: LedgerStore;
  msp: MspRegistry;
  channel: string;
  chaincodeName: string;
  /** Orgs in channel-config order. */
  orgs: readonly OrgMaterial[];
  /** How many orgs' peers endorse each transaction. */
  required: number;
}

/**
 * The channel's peers. One simulation stands for all of them (the chaincode
 * is deterministic); each required org's peer then signs the same response.
 */
export class Endorsers {
  readonly #o: EndorsersOptions;
  readonly #peers: Peer[];

  constructor(options: EndorsersOptions) {
    this.#o = options;
    this.#peers = options.orgs.map((o) => ({ mspId: o.mspId, certificatePem: o.peer.certificatePem, key: privateKeyOf(o.peer.privateKeyPem) }));
  }

  /** What any peer checks before simulating: a member of the channel made and signed this proposal. */
  async checkProposal(sp: SignedProposal): Promise<void> {
    const { proposal } = sp;
    const deny = (reason: string): never => {
      throw new EndorseError(`FORBIDDEN: access denied: ${reason}`, proposal.txId);
    };
    const creator = this.checkCreator(sp);
    // The peer hashes the bytes it received rather than trusting the client's digest.
    if (!(await verifySignatureAsync(creator.info.publicKey, sha256(sp.bytes), sp.signature))) deny('the proposal signature does not verify');
  }

  /**
   * The creator must be a member of its org (certificate chains to the org CA)
   * and the transaction id must derive from the nonce and creator.
   */
  checkCreator(sp: ProposalDraft): { info: CertificateInfo } {
    const { proposal } = sp;
    const deny = (reason: string): never => {
      throw new EndorseError(`FORBIDDEN: access denied: ${reason}`, proposal.txId);
    };
    const creator = this.#o.msp.check(proposal.creator.mspId, proposal.creator.certificatePem);
    if (!creator.ok) return deny(creator.reason);
    if (computeTxId(Buffer.from(proposal.nonce, 'base64'), proposal.creator.mspId, proposal.creator.certificatePem) !== proposal.txId) {
      deny('the transaction id is not derived from the nonce and creator');
    }
    return creator;
  }

  /** Runs the chaincode on a fresh stub, on `state` or on its own view of the committed state; rejects with EndorseError when it fails. */
  async simulate(sp: ProposalDraft, state?: StateView): Promise<SimulationResult> {
    const { proposal } = sp;
    // Every read of this simulation comes from one committed state, as a peer's commit lock gives it;
    // a caller that simulates twice (the determinism check) passes the same state to both.
    const view = state ?? this.#o.store.view();
    const stub = new DevnetStub({
      store: view,
      channel: this.#o.channel,
      chaincodeName: this.#o.chaincodeName,
      txId: proposal.txId,
      timestamp: proposal.timestamp,
      creator: proposal.creator,
      nonce: Buffer.from(proposal.nonce, 'base64'),
      args: [proposal.fn, ...proposal.args],
      transient: sp.transient,
      peerMspId: proposal.creator.mspId,
    });
    let response: ChaincodeResponse;
    let sim: Simulation;
    try {
      response = await this.#o.router.invokeFunctionality(stub);
    } finally {
      // Releases the LevelDB iterators the chaincode left open, whatever happened, then the state they read.
      try {
        sim = await stub.finish();
      } finally {
        if (!state) await view.close();
      }
    }
    if (response.status >= 400) throw new EndorseError(response.message ?? '', proposal.txId);
    const payload = response.payload ? Buffer.from(response.payload) : Buffer.alloc(0);
    return { ...sim, status: response.status, message: response.message ?? '', payload };
  }

  /** The creator's org first, then the others in config order, as many as the policy needs. */
  #endorsingPeers(creatorMsp: string): Peer[] {
    const own = this.#peers.filter((p) => p.mspId === creatorMsp);
    const others = this.#peers.filter((p) => p.mspId !== creatorMsp);
    return [...own, ...others].slice(0, this.#o.required);
  }

  /** Has the required peers sign the simulation's response; returns the transaction for ordering. */
  async endorse(sp: SignedProposal, sim: SimulationResult): Promise<OrderedTx> {
    const response: ProposalResponsePayload = {
      txId: sp.proposal.txId,
      proposalHash: sp.digest.toString('hex'),
      chaincode: this.#o.chaincodeName,
      rwset: rwSetToJson(sim.rwset),
      response: { status: sim.status, message: sim.message, payload: sim.payload.toString('base64') },
      event: sim.event ? { name: sim.event.name, payload: sim.event.payload.toString('base64') } : null,
    };
    const responseBytes = JSON.stringify(response);
    const digest = sha256(responseBytes);
    const endorsements: Endorsement[] = await Promise.all(
      this.#endorsingPeers(sp.proposal.creator.mspId).map(async (p) => ({
        mspId: p.mspId,
        certificatePem: p.certificatePem,
        signature: await signDigestAsync(p.key, digest),
      })),
    );
    return assembleTransaction(sp, response, responseBytes, digest, sim.rwset, sim.event, sim.payload, endorsements);
  }
}
