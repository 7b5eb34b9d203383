import { FN } from '../../../chaincode/src/functions';
import { MSP } from '../../../chaincode/src/models';
import type { SigningIdentity } from '../../../network/pki/types';
import { write } from './calls';
import type { DomainContext } from './context';
import { ensureSigningKey, listTypes } from './registry';
import { SEED_TYPES } from './seed-types';

/**
 * Brings a ledger to a usable state: the gateway's org, and each org of
 * `otherAdmins`, has an active signing key this gateway holds, and the
 * seeded certificate types exist. Safe to run on every start; it only
 * writes what is missing.
 */
export async function bootstrapLedger(
  ctx: DomainContext,
  admin: SigningIdentity,
  otherAdmins: readonly SigningIdentity[],
  log: (msg: string) => void = () => {},
): Promise<void> {
  await ensureSigningKey(ctx, admin);
  for (const other of otherAdmins) await ensureSigningKey(ctx, other);
  // The seeded types are civil affairs' to register; another department's gateway leaves them to civil's.
  if (admin.mspId !== MSP.civil) return;
  const { items } = await listTypes(ctx);
  const have = new Set(items.map((t) => t.type));
  for (const t of SEED_TYPES) {
    if (have.has(t.type)) continue;
    await write(ctx, admin, FN.registerType, [JSON.stringify(t)]);
    log(`registered certificate type ${t.type}`);
  }
}
