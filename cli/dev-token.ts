import '../gateway/src/chaincode-log-level';
import { ROLES, isOrgKey } from '../chaincode/src/models';
import { loadDevKey, signDevToken } from '../gateway/src/auth/dev-key';
import { principalFromClaims } from '../gateway/src/auth/principal';
import { ConfigError, loadConfig } from '../gateway/src/config';
import { parseArgs } from '../shared/args';

/** How `npm run token` is invoked; other callers (the `civic` CLI) pass their own. */
export const NPM_TOKEN_COMMAND = 'npm run --silent token --';

/** The usage text of the dev token command, as invoked by `command`. */
export function tokenUsage(command: string = NPM_TOKEN_COMMAND): string {
  return `usage: ${command} --sub <id> --org <civil|charity|audit> --roles <r1,r2> [--dept <d>] [--charity <charityId>] [--ttl <seconds>]
roles: ${ROLES.join(', ')}
--ttl defaults to 43200 (12 h), or to AUTH_MAX_TOKEN_TTL when that is shorter`;
}

/** The arguments were understood but the token cannot be issued; reported in one line, exit code 1. */
class Refusal extends Error {}

/** The default lifetime when --ttl is not given, unless AUTH_MAX_TOKEN_TTL is shorter. */
const DEFAULT_TTL = 12 * 3600;

/** Prints one development JWT, signed by the dev key in the data directory, and nothing else. */
async function mint(argv: string[], command: string): Promise<void> {
  const args = parseArgs(argv, { sub: 'string', org: 'string', roles: 'string', dept: 'string', charity: 'string', ttl: 'string', help: 'boolean' });
  if (args.help) {
    console.log(tokenUsage(command));
    return;
  }
  if (typeof args.sub !== 'string' || typeof args.org !== 'string' || typeof args.roles !== 'string') throw new Error('--sub, --org and --roles are required');
  if (!isOrgKey(args.org)) throw new Error(`--org must be civil, charity or audit, got '${args.org}'`);
  if (args.ttl !== undefined && (typeof args.ttl !== 'string' || !/^[1-9][0-9]{0,9}$/.test(args.ttl))) throw new Error('--ttl must be whole seconds, at least 1');
  const claims = {
    sub: args.sub,
    org: args.org,
    roles: args.roles.split(',').map((r) => r.trim()).filter((r) => r !== ''),
    dept: typeof args.dept === 'string' ? args.dept : undefined,
    charity: typeof args.charity === 'string' ? args.charity : undefined,
  };
  principalFromClaims(claims);
  const config = loadConfig();
  if (config.auth.jwksUrl) throw new Refusal('AUTH_JWKS_URL is set: tokens come from the identity provider, not the dev key');
  const max = config.auth.maxTokenTtlSeconds;
  const ttl = args.ttl === undefined ? Math.min(DEFAULT_TTL, max) : Number(args.ttl);
  // The gateway refuses longer tokens, so printing one would only postpone the failure.
  if (ttl > max) throw new Refusal(`--ttl ${ttl} is longer than AUTH_MAX_TOKEN_TTL (${max} s); the gateway would refuse the token`);
  const key = await loadDevKey(config.dataDir);
  process.stdout.write(`${await signDevToken(key, claims, { issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: ttl })}\n`);
}

/**
 * Runs the dev token command on `argv` (the arguments after the command
 * name): prints the token, or one error line (exit code 1 for a refusal or a
 * configuration error, 2 with the usage for bad arguments). Resolves to the
 * exit code instead of exiting, so each caller decides when to leave.
 */
export async function runTokenCommand(argv: string[], command: string = NPM_TOKEN_COMMAND): Promise<number> {
  try {
    await mint(argv, command);
    return 0;
  } catch (err: unknown) {
    if (err instanceof Refusal || err instanceof ConfigError) {
      console.error(`token: ${err instanceof ConfigError ? 'configuration error: ' : ''}${err.message}`);
      return 1;
    }
    console.error(`token: ${err instanceof Error ? err.message : String(err)}`);
    console.error(tokenUsage(command));
    return 2;
  }
}
