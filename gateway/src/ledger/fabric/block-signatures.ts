import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { blockHeaderBytes, type FabricBlockHeader } from './block-header';

/** One orderer signature of a block, as its SIGNATURES metadata holds it. */
export interface BlockSignature {
  /** The serialized SignatureHeader (creator and nonce) the signature covers. */
  signatureHeader: Uint8Array;
  signature: Uint8Array;
}

/** What a block's orderer signatures cover, read from the block. */
export interface SignedBlockParts {
  header: FabricBlockHeader;
  /** The SIGNATURES metadata's value (Fabric's OrdererBlockMetadata). */
  metadataValue: Uint8Array;
  signatures: BlockSignature[];
}

/** The orderer signatures of a serialized block's SIGNATURES metadata. */
export function blockSignaturesOf(metadataBytes: Uint8Array | undefined): { value: Uint8Array; signatures: BlockSignature[] } {
  if (!metadataBytes || metadataBytes.length === 0) return { value: new Uint8Array(), signatures: [] };
  const m = common.Metadata.deserializeBinary(metadataBytes);
  return {
    value: m.getValue_asU8(),
    signatures: m.getSignaturesList().map((s) => ({ signatureHeader: s.getSignatureHeader_asU8(), signature: s.getSignature_asU8() })),
  };
}

/**
 * The root certificates of every orderer org, by MSP ID, read from a config
 * block (the genesis block): Channel/Orderer/<org>/MSP.
 */
export function ordererRootsOf(configEnvelopeBytes: Uint8Array): Map<string, X509Certificate[]> {
  const envelope = common.Envelope.deserializeBinary(configEnvelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  const orderer = config?.getChannelGroup()?.getGroupsMap().get('Orderer');
  const roots = new Map<string, X509Certificate[]>();
  if (!orderer) return roots;
  orderer.getGroupsMap().forEach((group: common.ConfigGroup) => {
    const value = group.getValuesMap().get('MSP');
    if (!value) return;
    const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
    const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
    roots.set(fabric.getName(), fabric.getRootCertsList_asU8().map((pem) => new X509Certificate(Buffer.from(pem))));
  });
  return roots;
}

/**
 * True when at least one signature of the block is an orderer's: its creator
 * belongs to an orderer org, its certificate chains to that org's root, and
 * it signs metadata value ‖ signature header ‖ header bytes, as Fabric's
 * block verification does. Pure over the block and the roots.
 */
export function ordererSigned(block: SignedBlockParts, roots: ReadonlyMap<string, X509Certificate[]>): boolean {
  const headerBytes = blockHeaderBytes(block.header);
  return block.signatures.some((s) => {
    try {
      const creator = msp.SerializedIdentity.deserializeBinary(common.SignatureHeader.deserializeBinary(s.signatureHeader).getCreator_asU8());
      const cas = roots.get(creator.getMspid());
      if (!cas) return false;
      const cert = new X509Certificate(Buffer.from(creator.getIdBytes_asU8()));
      if (!cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) return false;
      const signed = Buffer.concat([block.metadataValue, s.signatureHeader, headerBytes]);
      return verify('sha256', signed, createPublicKey(cert.publicKey.export({ format: 'pem', type: 'spki' })), Buffer.from(s.signature));
    } catch {
      return false;
    }
  });
}
