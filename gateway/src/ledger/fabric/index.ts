import * as grpc from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import { CommitError, EndorseError, GatewayError, connect, hash, type Contract, type Gateway, type Network, type ProposalOptions } from '@hyperledger/fabric-gateway';
import { enrol } from '../../../../network/pki';
import type { CertifiedKey, SigningIdentity } from '../../../../network/pki/types';
import type { ChainCheck, Committed, EventListener, Ledger, LedgerTransaction, SubscribeOptions } from '../ledger';
import { uncodedChaincodeFailure } from '../ledger';
import { FabricChainVerifier, blockHeaderHash } from './block-chain';
import { ordererRootsOf } from './block-signatures';
import { newNodeSigner } from './signer';
import { decodeBlock, decodeTransaction, validationCodeName } from './transactions';
import { CodedError, isErrorCode, parseCodedMessage } from '../../../../chaincode/src/errors';

/** How to reach the Fabric network. */
export interface FabricOptions {
  channel: string;
  chaincode: string;
  /** The peer this gateway talks to (its org's peer); its Gateway service gathers the other endorsements. */
  peer: { endpoint: string; tlsRootCertPem: string; hostAlias?: string };
  /** The MSP this gateway's own reader identity belongs to. */
  mspId: string;
  /** Other orgs' peers, asked for a second opinion on the chain head when ledger verification runs. */
  otherPeers?: Array<{ mspId: string; endpoint: string; tlsRootCertPem: string; hostAlias?: string }>;
  /** Org CAs that enrol wallet users, by MSP ID (cryptogen's or Fabric CA's signing key). */
  certificateAuthorities: ReadonlyMap<string, CertifiedKey>;
  timeoutsMs?: { evaluate?: number; endorse?: number; submit?: number; commitStatus?: number };
}

const UNAVAILABLE = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.CANCELLED]);

/** A transport message with every host:port and IP address taken out. */
export function withoutAddresses(message: string): string {
  return message
    .replace(/\b(?:dns:|ipv4:|ipv6:)?\[?[A-Za-z0-9.:-]*[A-Za-z0-9]\]?:\d{2,5}\b/g, '<address>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '<address>');
}

/** Turns any fabric-gateway failure into a CodedError. */
export function toLedgerError(err: unknown): CodedError {
  if (err instanceof CodedError) return err;
  if (err instanceof CommitError) {
    const name = validationCodeName(err.code);
    const code = isErrorCode(name) ? name : 'LEDGER_UNAVAILABLE';
    return new CodedError(code, `transaction ${err.transactionId} was invalidated (${name})`, { txId: err.transactionId, cause: err });
  }
  if (err instanceof GatewayError) {
    const txId = (err as { transactionId?: string }).transactionId;
    for (const text of [...err.details.map((d) => d.message), err.message]) {
      const parsed = parseCodedMessage(text);
      if (parsed) return new CodedError(parsed.code, parsed.detail, { txId, cause: err });
    }
    // The chaincode answered with an error of its own that carries no code: the same problem as on the embedded ledger.
    for (const d of err.details) {
      const m = /^chaincode response \d+, (.*)$/s.exec(d.message);
      if (m) return uncodedChaincodeFailure(m[1], txId, err);
    }
    // Answers go to callers outside the network: name orgs, never hosts or ports.
    const why = err.details.map((d) => `${d.mspId || 'a peer'}: ${withoutAddresses(d.message)}`).join('; ') || withoutAddresses(err.message);
    if (UNAVAILABLE.has(err.code)) return new CodedError('LEDGER_UNAVAILABLE', `Fabric peer unreachable: ${why}`, { txId, cause: err });
    return new CodedError('LEDGER_UNAVAILABLE', `Fabric refused the request: ${why}`, { txId, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CodedError('LEDGER_UNAVAILABLE', `Fabric call failed: ${withoutAddresses(message)}`, { cause: err });
}

const utf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

class FabricLedger implements Ledger {
  readonly backend = 'fabric' as const;
  readonly supports = { blockProofs: true, events: true };
  readonly certificateAuthorities: ReadonlyMap<string, CertifiedKey>;
  readonly #o: FabricOptions;
  readonly #client: grpc.Client;
  readonly #gateways = new Map<string, Gateway>();
  readonly #reader: SigningIdentity;

  constructor(options: FabricOptions, client: grpc.Client, reader: SigningIdentity) {
    this.#o = options;
    this.#client = client;
    this.#reader = reader;
    this.certificateAuthorities = options.certificateAuthorities;
  }

  #gateway(identity: SigningIdentity): Gateway {
    let gw = this.#gateways.get(identity.certificatePem);
    if (!gw) {
      const t = this.#o.timeoutsMs ?? {};
      gw = connect({
        client: this.#client,
        identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
        signer: newNodeSigner(identity.privateKeyPem),
        hash: hash.none,
        evaluateOptions: () => ({ deadline: Date.now() + (t.evaluate ?? 10_000) }),
        endorseOptions: () => ({ deadline: Date.now() + (t.endorse ?? 30_000) }),
        submitOptions: () => ({ deadline: Date.now() + (t.submit ?? 10_000) }),
        commitStatusOptions: () => ({ deadline: Date.now() + (t.commitStatus ?? 60_000) }),
      });
      if (this.#gateways.size >= 5_000) this.#closeGateways();
      this.#gateways.set(identity.certificatePem, gw);
    }
    return gw;
  }

  #network(identity: SigningIdentity): Network {
    return this.#gateway(identity).getNetwork(this.#o.channel);
  }

  #contract(identity: SigningIdentity, chaincode = this.#o.chaincode): Contract {
    return this.#network(identity).getContract(chaincode);
  }

  /**
   * The other orgs to ask when this org's own peer cannot run the chaincode
   * (its chaincode server is down, say). Fabric's gateway endorses on the
   * local peer first and does not move on when that simulation fails, so a
   * department whose chaincode server stopped would refuse every write that
   * the other departments' peers could endorse under MAJORITY. Only an
   * endorsement failure that is no chaincode answer is retried: nothing was
   * sent to the orderer, so the retry cannot commit twice.
   */
  #elsewhere(err: unknown, stage: 'endorse' | 'evaluate'): string[] | undefined {
    const others = [...new Set((this.#o.otherPeers ?? []).map((p) => p.mspId))];
    // fabric-gateway raises EndorseError for a failed endorsement and a plain GatewayError for a failed evaluation.
    const failedThere = stage === 'endorse' ? err instanceof EndorseError : err instanceof GatewayError;
    if (!failedThere || others.length === 0) return undefined;
    const coded = toLedgerError(err);
    return coded.code === 'LEDGER_UNAVAILABLE' ? others : undefined;
  }

  async submit(identity: SigningIdentity, fn: string, args: string[]): Promise<Committed> {
    const once = async (options: ProposalOptions): Promise<Committed> => {
      const tx = await this.#contract(identity).submitAsync(fn, options);
      const status = await tx.getStatus();
      if (!status.successful) {
        throw new CommitError({ code: status.code, transactionId: status.transactionId, message: `transaction ${status.transactionId} invalid` });
      }
      return { txId: tx.getTransactionId(), blockNumber: Number(status.blockNumber), payload: utf8(tx.getResult()) };
    };
    try {
      try {
        return await once({ arguments: args });
      } catch (err) {
        const others = this.#elsewhere(err, 'endorse');
        if (others === undefined) throw err;
        return await once({ arguments: args, endorsingOrganizations: others });
      }
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async evaluate(identity: SigningIdentity, fn: string, args: string[]): Promise<string> {
    try {
      try {
        return utf8(await this.#contract(identity).evaluate(fn, { arguments: args }));
      } catch (err) {
        const others = this.#elsewhere(err, 'evaluate');
        if (others === undefined) throw err;
        // A read needs one peer: the first other org's.
        return utf8(await this.#contract(identity).evaluate(fn, { arguments: args, endorsingOrganizations: others.slice(0, 1) }));
      }
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async #qscc(fn: string, ...args: string[]): Promise<Uint8Array> {
    try {
      return await this.#contract(this.#reader, 'qscc').evaluateTransaction(fn, this.#o.channel, ...args);
    } catch (err) {
      throw toLedgerError(err);
    }
  }

  async #chainInfo(): Promise<common.BlockchainInfo> {
    return common.BlockchainInfo.deserializeBinary(await this.#qscc('GetChainInfo'));
  }

  async height(): Promise<number> {
    return (await this.#chainInfo()).getHeight();
  }

  async transaction(txId: string): Promise<LedgerTransaction | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.#qscc('GetBlockByTxID', txId);
    } catch (err) {
      if (err instanceof CodedError && /no such transaction|not found|Failed to get block for txID/i.test(err.message)) return undefined;
      throw err;
    }
    const block = decodeBlock(bytes);
    for (let i = 0; i < block.data.length; i++) {
      const tx = decodeTransaction(block.data[i], { blockNumber: Number(block.header.number), validationCode: block.codes[i] ?? 255, chaincode: this.#o.chaincode });
      if (tx.txId === txId) return tx;
    }
    return undefined;
  }

  async transactionBlock(txId: string): Promise<number | undefined> {
    return (await this.transaction(txId))?.blockNumber;
  }

  async blockTime(n: number): Promise<string | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.#qscc('GetBlockByNumber', String(n));
    } catch {
      return undefined;
    }
    const block = decodeBlock(bytes);
    if (block.data.length === 0) return undefined;
    const tx = decodeTransaction(block.data[0], { blockNumber: n, validationCode: block.codes[0] ?? 255, chaincode: this.#o.chaincode });
    return tx.timestamp || undefined;
  }

  async verifyChain(): Promise<ChainCheck> {
    const info = await this.#chainInfo();
    const height = info.getHeight();
    // The orderer orgs' roots come from the genesis block's channel config; every later block must be signed by one of them.
    const genesis = decodeBlock(await this.#qscc('GetBlockByNumber', '0'));
    const verifier = new FabricChainVerifier({ number: 0n }, ordererRootsOf(genesis.data[0]));
    for (let n = 0; n < height; n++) {
      const block = n === 0 ? genesis : decodeBlock(await this.#qscc('GetBlockByNumber', String(n)));
      if (!verifier.add(block)) break;
    }
    const r = verifier.result();
    const checks = ['data-hash', 'hash-chain', 'orderer-signatures'];
    const bad = (firstBadBlock: number, reason: string): ChainCheck => ({ ok: false, height, checkedBlocks: r.checkedBlocks, firstBadBlock, reason, checks });
    if (r.ok && verifier.lastHeaderHash && !verifier.lastHeaderHash.equals(Buffer.from(info.getCurrentblockhash_asU8()))) {
      return bad(height - 1, `the peer's current block hash does not match the hash of block ${height - 1}`);
    }
    if (!r.ok) {
      const n = r.firstBadBlock ?? r.checkedBlocks - 1;
      return bad(n, `block ${n}: ${r.reason ?? 'fails the chain check'}`);
    }
    // A second opinion: another org's peer must hold the same header at our last block (or at its own head, when it lags).
    const opinion = await this.#secondOpinion(verifier.headerHashes);
    if (opinion) {
      checks.push(`second-peer:${opinion.mspId}`);
      if (!opinion.agrees) return bad(opinion.block, `the peer of ${opinion.mspId} holds a different header at block ${opinion.block}`);
    }
    return { ok: true, height, checkedBlocks: r.checkedBlocks, checks };
  }

  /** Asks the first reachable peer of another org for its header at the highest block both hold; undefined when none answers. */
  async #secondOpinion(ours: readonly Buffer[]): Promise<{ mspId: string; agrees: boolean; block: number } | undefined> {
    for (const other of this.#o.otherPeers ?? []) {
      const credentials = grpc.credentials.createSsl(Buffer.from(other.tlsRootCertPem));
      const client = new grpc.Client(other.endpoint, credentials, other.hostAlias ? { 'grpc.ssl_target_name_override': other.hostAlias } : {});
      const gw = connect({
        client,
        identity: { mspId: this.#reader.mspId, credentials: Buffer.from(this.#reader.certificatePem) },
        signer: newNodeSigner(this.#reader.privateKeyPem),
        hash: hash.none,
        evaluateOptions: () => ({ deadline: Date.now() + 5_000 }),
      });
      try {
        const qscc = gw.getNetwork(this.#o.channel).getContract('qscc');
        const theirHeight = common.BlockchainInfo.deserializeBinary(await qscc.evaluateTransaction('GetChainInfo', this.#o.channel)).getHeight();
        const n = Math.min(theirHeight, ours.length) - 1;
        if (n < 0) continue;
        const theirs = decodeBlock(await qscc.evaluateTransaction('GetBlockByNumber', this.#o.channel, String(n)));
        return { mspId: other.mspId, agrees: blockHeaderHash(theirs.header).equals(ours[n]), block: n };
      } catch {
        // Unreachable or refusing: ask the next one.
      } finally {
        gw.close();
        client.close();
      }
    }
    return undefined;
  }

  /**
   * fabric-gateway's chaincode events, pulled one at a time: while the
   * listener is busy nothing more is pulled, and gRPC flow control holds the
   * peer back. Events of names not wanted are counted and skipped undecoded.
   */
  subscribe(listener: EventListener, options: SubscribeOptions = {}, onError?: (err: unknown) => void): () => void {
    const { names } = options;
    let stop: (() => void) | undefined;
    let stopped = false;
    void (async () => {
      const from = options.fromBlock === undefined ? {} : { startBlock: BigInt(options.fromBlock) };
      const events = await this.#network(this.#reader).getChaincodeEvents(this.#o.chaincode, from);
      stop = () => events.close();
      if (stopped) return events.close();
      let block = -1;
      let index = -1;
      try {
        for await (const e of events) {
          if (stopped) break;
          const blockNumber = Number(e.blockNumber);
          index = blockNumber === block ? index + 1 : 0;
          block = blockNumber;
          if (names && !names.has(e.eventName)) continue;
          await listener({ blockNumber, index, txId: e.transactionId, name: e.eventName, payload: utf8(e.payload) });
        }
      } catch (err) {
        // The stream ends with an error when closed; nothing to deliver after that.
        if (!stopped) onError?.(toLedgerError(err));
      }
    })().catch((err: unknown) => {
      if (!stopped) onError?.(toLedgerError(err));
    });
    return () => {
      stopped = true;
      stop?.();
    };
  }

  #closeGateways(): void {
    for (const gw of this.#gateways.values()) gw.close();
    this.#gateways.clear();
  }

  async close(): Promise<void> {
    this.#closeGateways();
    this.#client.close();
  }
}

/**
 * Connects to a Fabric network through its org's peer, with
 * @hyperledger/fabric-gateway. Each wallet identity gets its own Gateway
 * connection over one shared gRPC channel.
 */
export async function fabric(options: FabricOptions): Promise<Ledger> {
  const credentials = grpc.credentials.createSsl(Buffer.from(options.peer.tlsRootCertPem));
  const channelOptions: grpc.ChannelOptions = options.peer.hostAlias ? { 'grpc.ssl_target_name_override': options.peer.hostAlias } : {};
  const client = new grpc.Client(options.peer.endpoint, credentials, channelOptions);
  const ca = options.certificateAuthorities.get(options.mspId);
  if (!ca) throw new TypeError(`no CA for ${options.mspId}`);
  const reader = await enrol(ca, { commonName: 'ledger-reader', nodeRole: 'client' });
  return new FabricLedger(options, client, { mspId: options.mspId, ...reader });
}
