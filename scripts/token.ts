import '../gateway/src/chaincode-log-level';
import { ROLES, isOrgKey } from '../chaincode/src/models';
import { loadDevKey, signDevToken } from '../gateway/src/auth/dev-key';
import { principalFromClaims } from '../gateway/src/auth/principal';
import { loadConfig } from '../gateway/src/config';
import { parseArgs } from './args';

const USAGE = `usage: npm run --silent token -- --sub <id> --org <civil|charity|audit> --roles <r1,r2> [--dept <d>] [--charity <charityId>] [--ttl <seconds>]
roles: ${ROLES.join(', ')}`;

/** Prints one development JWT, signed by the dev key in the data directory, and nothing else. */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { sub: 'string', org: 'string', roles: 'string', dept: 'string', charity: 'string', ttl: 'string', help: 'boolean' });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (typeof args.sub !== 'string' || typeof args.org !== 'string' || typeof args.roles !== 'string') throw new Error('--sub, --org and --roles are required');
  if (!isOrgKey(args.org)) throw new Error(`--org must be civil, charity or audit, got '${args.org}'`);
  const ttl = args.ttl === undefined ? 12 * 3600 : Number(args.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 30 * 24 * 3600) throw new Error('--ttl must be whole seconds from 1 to 2592000');
  const claims = {
    sub: args.sub,
    org: args.org,
    roles: args.roles.split(',').map((r) => r.trim()).filter((r) => r !== ''),
    dept: typeof args.dept === 'string' ? args.dept : undefined,
    charity: typeof args.charity === 'string' ? args.charity : undefined,
  };
  principalFromClaims(claims);
  const config = loadConfig();
  if (config.auth.jwksUrl) throw new Error('AUTH_JWKS_URL is set: tokens come from the identity provider, not the dev key');
  const key = await loadDevKey(config.dataDir);
  process.stdout.write(`${await signDevToken(key, claims, { issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: ttl })}\n`);
}

main().catch((err: unknown) => {
  console.error(`token: ${err instanceof Error ? err.message : String(err)}`);
  console.error(USAGE);
  process.exit(2);
});
