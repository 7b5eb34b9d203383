import type { DomainContext } from './context';

/** Notes where a write landed, so that traces of fresh records need no ledger lookup. */
export function rememberBlock(ctx: DomainContext, txId: string, blockNumber: number): void {
  ctx.state.blocks.set(txId, blockNumber);
}

/** The block a committed transaction landed in, or undefined when the ledger does not know it. */
export async function blockNumberOf(ctx: DomainContext, txId: string): Promise<number | undefined> {
  const hit = ctx.state.blocks.get(txId);
  if (hit !== undefined) return hit;
  const blockNumber = await ctx.ledger.transactionBlock(txId);
  if (blockNumber !== undefined) rememberBlock(ctx, txId, blockNumber);
  return blockNumber;
}

/** Block numbers of many transactions; each distinct id is looked up once. */
export async function blockNumbersOf(ctx: DomainContext, txIds: Iterable<string>): Promise<Map<string, number | undefined>> {
  const ids = [...new Set(txIds)];
  const numbers = await Promise.all(ids.map((id) => blockNumberOf(ctx, id)));
  return new Map(ids.map((id, i) => [id, numbers[i]]));
}
