import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { clientIdOf } from '../../../../network/pki';
import type { LedgerTransaction } from '../ledger';
import type { FabricBlock } from './block-chain';
import { blockSignaturesOf } from './block-signatures';

const CODE_NAMES = new Map<number, string>(Object.entries(peer.TxValidationCode).map(([name, code]) => [code as number, name]));

/** The name of a Fabric transaction validation code, e.g. 11 → MVCC_READ_CONFLICT. */
export function validationCodeName(code: number): string {
  return CODE_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

function identityOf(serialized: Uint8Array): { mspId: string; id: string } {
  const sid = msp.SerializedIdentity.deserializeBinary(serialized);
  const pem = Buffer.from(sid.getIdBytes_asU8()).toString('utf8');
  let id: string;
  try {
    id = clientIdOf(pem);
  } catch {
    id = 'unparseable certificate';
  }
  return { mspId: sid.getMspid(), id };
}

/**
 * Reads an endorser transaction envelope as the audit wants it: who created
 * it, which chaincode function it invoked, who endorsed it and which keys of
 * `chaincode` it wrote.
 */
export function decodeTransaction(
  envelopeBytes: Uint8Array,
  where: { blockNumber: number; validationCode: number; chaincode: string },
): LedgerTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  if (!header) throw new TypeError('envelope has no header');
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const ts = channelHeader.getTimestamp();
  const out: LedgerTransaction = {
    txId: channelHeader.getTxId(),
    blockNumber: where.blockNumber,
    timestamp: ts ? ts.toDate().toISOString() : '',
    creator: identityOf(signatureHeader.getCreator_asU8()),
    contract: '',
    function: '',
    validationCode: validationCodeName(where.validationCode),
    endorsers: [],
    writes: [],
  };
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return out;

  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  for (const action of tx.getActionsList()) {
    const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const cpp = peer.ChaincodeProposalPayload.deserializeBinary(cap.getChaincodeProposalPayload_asU8());
    const spec = peer.ChaincodeInvocationSpec.deserializeBinary(cpp.getInput_asU8()).getChaincodeSpec();
    const args = spec?.getInput()?.getArgsList_asU8() ?? [];
    const fn = args.length > 0 ? Buffer.from(args[0]).toString('utf8') : '';
    const sep = fn.indexOf(':');
    out.contract = sep >= 0 ? fn.slice(0, sep) : '';
    out.function = sep >= 0 ? fn.slice(sep + 1) : fn;

    const endorsed = cap.getAction();
    if (!endorsed) continue;
    out.endorsers = endorsed.getEndorsementsList().map((e) => identityOf(e.getEndorser_asU8()).mspId);
    // Writes are what the transaction would have applied; an invalid transaction applied none.
    if (where.validationCode !== peer.TxValidationCode.VALID) continue;
    const prp = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
    const ccAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(ccAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      if (ns.getNamespace() !== where.chaincode) continue;
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      for (const w of kv.getWritesList()) out.writes.push(w.getKey());
    }
  }
  return out;
}

/** Reads a block's header, envelopes and validation codes. */
export function decodeBlock(bytes: Uint8Array): FabricBlock & { codes: Uint8Array } {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (!header) throw new TypeError('block has no header');
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const signed = blockSignaturesOf(metadata[common.BlockMetadataIndex.SIGNATURES]);
  return {
    header: { number: BigInt(header.getNumber()), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() },
    data: block.getData()?.getDataList_asU8() ?? [],
    codes: metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(),
    metadataValue: signed.value,
    signatures: signed.signatures,
  };
}
