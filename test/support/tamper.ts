/** Changes stored blocks of an embedded ledger on disk, as an attacker with disk access would. */
import { join } from 'node:path';
import { Level } from 'level';
import { decodeBlock, encodeBlock } from '../../network/devnet/block-codec';
import { storeKeyOfBlock } from '../../network/devnet/ledger-store';

/** A stored block as the codec decodes it. */
export type StoredBlock = ReturnType<typeof decodeBlock>;

/**
 * Rewrites block `n` of the embedded ledger under `dataDir` with `change`;
 * no gateway may have the ledger open. Throws when `change` changed nothing.
 */
export async function tamperBlock(dataDir: string, n: number, change: (block: StoredBlock) => void): Promise<void> {
  const db = new Level<string, Buffer>(join(dataDir, 'ledger'), { keyEncoding: 'utf8', valueEncoding: 'buffer' });
  try {
    const block = decodeBlock((await db.get(storeKeyOfBlock(n)))!);
    const before = JSON.stringify(block);
    change(block);
    if (JSON.stringify(block) === before) throw new Error('the tampering changed nothing');
    await db.put(storeKeyOfBlock(n), encodeBlock({ ...block, data: block.data.map((d) => Buffer.from(d, 'utf8')) }));
  } finally {
    await db.close();
  }
}

/** One byte more in the first transaction of a block (whitespace outside its signed parts): its dataHash no longer matches. */
export const widenFirstTransaction = (block: StoredBlock): void => {
  block.data[0] = block.data[0].replace('"endorsements":', '"endorsements": ');
};
