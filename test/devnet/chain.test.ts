import '../support/setup';
import { expect } from 'chai';
import { computeBlockHash, computeDataHash, verifyBlocks, type Block } from '../../network/devnet';

/** A hash-chained run of blocks built the way the engine builds them. */
function chain(txCounts: number[]): Block[] {
  const blocks: Block[] = [];
  let previousHash = '';
  txCounts.forEach((count, number) => {
    const data = Array.from({ length: count }, (_, i) => JSON.stringify({ block: number, tx: i, note: 'ünïcode ✓' }));
    const header = { number, previousHash, dataHash: computeDataHash(data) };
    blocks.push({ header, data, metadata: { validationCodes: data.map(() => 'VALID' as const) } });
    previousHash = computeBlockHash(header);
  });
  return blocks;
}

function clone(blocks: Block[]): Block[] {
  return JSON.parse(JSON.stringify(blocks)) as Block[];
}

describe('verifyBlocks', () => {
  it('accepts an intact chain and reports every block checked', () => {
    expect(verifyBlocks(chain([1, 3, 2, 5]))).to.deep.equal({ ok: true, height: 4, checkedBlocks: 4 });
  });

  it('finds a block whose transaction data was altered', () => {
    const blocks = clone(chain([1, 3, 2, 5]));
    blocks[2].data[1] = blocks[2].data[1].replace('"tx":1', '"tx":9');
    const result = verifyBlocks(blocks);
    expect(result).to.include({ ok: false, firstBadBlock: 2, checkedBlocks: 3 });
    expect(result.reason).to.match(/dataHash/);
  });

  it('finds the next block when a rewritten block also had its dataHash recomputed', () => {
    const blocks = clone(chain([1, 3, 2, 5]));
    blocks[1].data[0] = JSON.stringify({ forged: true });
    blocks[1].header.dataHash = computeDataHash(blocks[1].data);
    const result = verifyBlocks(blocks);
    expect(result).to.include({ ok: false, firstBadBlock: 2 });
    expect(result.reason).to.match(/previousHash/);
  });

  it('detects bytes moved between adjacent transactions', () => {
    const blocks = clone(chain([1, 2]));
    const [a, b] = blocks[1].data;
    blocks[1].data = [a + b.slice(0, 3), b.slice(3)];
    expect(verifyBlocks(blocks)).to.include({ ok: false, firstBadBlock: 1 });
  });

  it('detects a removed or reordered block', () => {
    const blocks = chain([1, 1, 1, 1]);
    expect(verifyBlocks([blocks[0], blocks[1], blocks[3]])).to.include({ ok: false, firstBadBlock: 2 });
    expect(verifyBlocks([blocks[1], blocks[0]])).to.include({ ok: false, firstBadBlock: 0 });
  });

  it('detects metadata that does not match the transactions', () => {
    const blocks = clone(chain([1, 2]));
    blocks[1].metadata.validationCodes.pop();
    expect(verifyBlocks(blocks)).to.include({ ok: false, firstBadBlock: 1 });
  });

  it('treats an empty list as an empty, intact chain', () => {
    expect(verifyBlocks([])).to.deep.equal({ ok: true, height: 0, checkedBlocks: 0 });
  });
});
