import { expect } from 'chai';
import { X509Certificate, generateKeyPairSync, sign, verify } from 'node:crypto';
import { newNodeSigner } from '../../gateway/src/ledger/fabric/signer';
import * as grpc from '@grpc/grpc-js';
import { CommitError, GatewayError } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { createCA, enrol } from '../../network/pki';
import { blockDataHash, blockHeaderBytes, blockHeaderHash, FabricChainVerifier, type FabricBlock } from '../../gateway/src/ledger/fabric/block-chain';
import { toLedgerError } from '../../gateway/src/ledger/fabric';
import { toLedgerError as toEmbeddedError } from '../../gateway/src/ledger/embedded';
import { EndorseError } from '../../network/devnet';
import { CodedError } from '../../chaincode/src/errors';

function chain(n: number): FabricBlock[] {
  const blocks: FabricBlock[] = [];
  let prev: Uint8Array = new Uint8Array();
  for (let i = 0; i < n; i++) {
    const data = [Buffer.from(`tx-${i}-a`), Buffer.from(`tx-${i}-b`)];
    const header = { number: BigInt(i), previousHash: prev, dataHash: blockDataHash(data) };
    blocks.push({ header, data });
    prev = blockHeaderHash(header);
  }
  return blocks;
}

describe('Fabric block hash chain', function () {
  it('encodes the header as Fabric does: DER SEQUENCE of INTEGER and two OCTET STRINGs', function () {
    const bytes = blockHeaderBytes({ number: 0n, previousHash: new Uint8Array(), dataHash: Buffer.alloc(32, 0xab) });
    expect(bytes.subarray(0, 9).toString('hex')).to.equal('302702010004000420');
    const big = blockHeaderBytes({ number: 128n, previousHash: Buffer.alloc(32, 1), dataHash: Buffer.alloc(32, 2) });
    // 128 needs a leading zero byte so it does not read as negative.
    expect(big.subarray(2, 6).toString('hex')).to.equal('02020080');
    expect(big[1]).to.equal(big.length - 2);
  });

  it('accepts an intact chain and names the first tampered block', function () {
    const good = new FabricChainVerifier();
    for (const b of chain(5)) good.add(b);
    expect(good.result()).to.deep.equal({ ok: true, checkedBlocks: 5 });

    const tampered = chain(5);
    tampered[3].data[1] = Buffer.from('tx-3-B');
    const v = new FabricChainVerifier();
    for (const b of tampered) v.add(b);
    expect(v.result()).to.include({ ok: false, checkedBlocks: 3, firstBadBlock: 3 });

    const relinked = chain(5);
    relinked[2].header.previousHash = Buffer.alloc(32, 7);
    const w = new FabricChainVerifier();
    for (const b of relinked) w.add(b);
    expect(w.result()).to.include({ ok: false, firstBadBlock: 2 });
  });
});

describe('Fabric orderer signatures', function () {
  /** Signs a block as an orderer does: over metadata value, signature header and header bytes. */
  function signBlock(block: FabricBlock, signer: { mspId: string; certificatePem: string; privateKeyPem: string }): FabricBlock {
    const creator = new msp.SerializedIdentity();
    creator.setMspid(signer.mspId);
    creator.setIdBytes(Buffer.from(signer.certificatePem));
    const sh = new common.SignatureHeader();
    sh.setCreator(creator.serializeBinary());
    sh.setNonce(Buffer.from('nonce'));
    const signatureHeader = sh.serializeBinary();
    const metadataValue = Buffer.from('orderer-block-metadata');
    const signature = sign('sha256', Buffer.concat([metadataValue, signatureHeader, blockHeaderBytes(block.header)]), signer.privateKeyPem);
    return { ...block, metadataValue, signatures: [{ signatureHeader, signature }] };
  }

  it('accepts blocks an orderer of the channel signed, and refuses rewritten, unsigned or foreign-signed ones', async function () {
    const ordererCa = await createCA({ commonName: 'ca.orderer', organization: 'Orderer' });
    const orderer = { mspId: 'OrdererMSP', ...(await enrol(ordererCa, { commonName: 'orderer0', nodeRole: 'orderer' })) };
    const strangerCa = await createCA({ commonName: 'ca.orderer', organization: 'Orderer' });
    const stranger = { mspId: 'OrdererMSP', ...(await enrol(strangerCa, { commonName: 'orderer0', nodeRole: 'orderer' })) };
    const roots = new Map([['OrdererMSP', [new X509Certificate(ordererCa.certificatePem)]]]);
    const run = (blocks: FabricBlock[]) => {
      const v = new FabricChainVerifier({ number: 0n }, roots);
      for (const b of blocks) v.add(b);
      return v.result();
    };
    const signedChain = chain(4).map((b, i) => (i === 0 ? b : signBlock(b, orderer)));
    expect(run(signedChain)).to.deep.equal({ ok: true, checkedBlocks: 4 });

    // A lying peer rewrites block 2 and recomputes its data hash; the orderer's signature no longer covers it.
    const rewritten = chain(4).map((b, i) => (i === 0 ? b : signBlock(b, orderer)));
    rewritten[2].data[0] = Buffer.from('tx-2-forged');
    rewritten[2].header.dataHash = blockDataHash(rewritten[2].data);
    expect(run(rewritten)).to.include({ ok: false, firstBadBlock: 2, reason: 'no valid orderer signature' });

    const unsigned = chain(4).map((b, i) => (i === 0 || i === 3 ? b : signBlock(b, orderer)));
    expect(run(unsigned)).to.include({ ok: false, firstBadBlock: 3 });
    const foreign = chain(4).map((b, i) => (i === 0 ? b : signBlock(b, i === 1 ? stranger : orderer)));
    expect(run(foreign)).to.include({ ok: false, firstBadBlock: 1 });
  });
});

describe('Fabric error mapping', function () {
  const serviceError = (code: number, details: string): grpc.ServiceError =>
    Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });

  it('maps a chaincode error in endorsement details to its code', function () {
    const err = new GatewayError({
      code: grpc.status.ABORTED,
      details: [{ address: 'peer0:7051', mspId: 'CivilAffairsMSP', message: 'chaincode response 500, DUPLICATE_ID: certificate x already exists' }],
      cause: serviceError(grpc.status.ABORTED, 'failed to endorse transaction'),
      message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
    });
    expect(toLedgerError(err)).to.include({ code: 'DUPLICATE_ID', detail: 'certificate x already exists' });
  });

  it('maps a chaincode failure without a code to the same problem as the embedded ledger does', function () {
    const message = "TypeError: Cannot read properties of undefined (reading 'id')";
    const fabric = toLedgerError(
      new GatewayError({
        code: grpc.status.UNKNOWN,
        details: [{ address: 'peer0:7051', mspId: 'CivilAffairsMSP', message: `chaincode response 500, ${message}` }],
        cause: serviceError(grpc.status.UNKNOWN, 'failed to evaluate transaction'),
        message: '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, ' + message,
      }),
    );
    const embedded = toEmbeddedError(new EndorseError(message, 'tx-1'));
    expect(embedded).to.be.instanceOf(CodedError);
    expect({ code: fabric.code, detail: fabric.detail }).to.deep.equal({ code: (embedded as CodedError).code, detail: (embedded as CodedError).detail });
    expect(fabric.code).to.equal('INTERNAL');
    expect(fabric.detail).to.include(message);
  });

  it('maps an unreachable peer to LEDGER_UNAVAILABLE', function () {
    const err = new GatewayError({ code: grpc.status.UNAVAILABLE, details: [], cause: serviceError(grpc.status.UNAVAILABLE, 'No connection established') });
    expect(toLedgerError(err).code).to.equal('LEDGER_UNAVAILABLE');
  });

  it('maps an MVCC commit failure to MVCC_READ_CONFLICT so the gateway retries it', function () {
    const err = new CommitError({ code: peer.TxValidationCode.MVCC_READ_CONFLICT, transactionId: 'abc' });
    expect(toLedgerError(err)).to.include({ code: 'MVCC_READ_CONFLICT', txId: 'abc' });
  });
});

describe('Fabric signer', function () {
  it('signs with low S, as Fabric requires, and the signature still verifies', async function () {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = newNodeSigner(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const half = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n / 2n;
    let highBefore = 0;
    for (let i = 0; i < 40; i++) {
      const message = Buffer.from(`message ${i}`);
      const der = Buffer.from(await signer(message));
      const rLen = der[3];
      const sLen = der[5 + rLen];
      const s = BigInt(`0x${der.subarray(6 + rLen, 6 + rLen + sLen).toString('hex')}`);
      expect(s <= half, `signature ${i} has a high S`).to.equal(true);
      expect(verify('sha256', message, publicKey, der)).to.equal(true);
      // Node's own signatures are high-S about half the time, so the rewrite is exercised.
      const raw = sign('sha256', message, privateKey);
      const rawS = BigInt(`0x${raw.subarray(6 + raw[3], 6 + raw[3] + raw[5 + raw[3]]).toString('hex')}`);
      if (rawS > half) highBefore++;
    }
    expect(highBefore).to.be.greaterThan(0);
  });
});
