import { Router, type Request } from 'express';
import { DEMO_ROLES, DEMO_TOKEN_TTL_SECONDS, DEMO_USERS, carriesProxyHeader, demoLoginAllowed, type DemoRole, type RequestOrigin } from '../auth/demo-users';
import { signDevToken, type DevKey, type DevTokenClaims } from '../auth/dev-key';
import type { Principal } from '../auth/principal';
import { listCharities } from '../domain/charities';
import type { DomainContext } from '../domain/context';
import { objectField } from '../domain/input';
import { invalid } from '../../../chaincode/src/errors';
import { isId } from '../../../chaincode/src/validate';
import { MSP } from '../../../chaincode/src/models';
import { h } from './handler';
import { sendProblem } from './problem';

/** Where the request comes from, read from the socket and the raw headers (Express's trust-proxy views would believe a proxy). */
function originOf(req: Request): RequestOrigin {
  return {
    remoteAddress: req.socket.remoteAddress,
    // The raw list: every header as sent, none dropped as a duplicate.
    forwarded: carriesProxyHeader(req.rawHeaders.filter((_, i) => i % 2 === 0)),
    host: req.headers.host,
    origin: req.headers.origin,
    localPort: req.socket.localPort,
  };
}

/** The charity the demo charity user acts for: the one asked for, else the first registered. */
async function demoCharity(ctx: DomainContext, asked: unknown): Promise<string> {
  if (asked !== undefined) {
    if (!isId(asked)) throw invalid('charity must be a charity id');
    return asked;
  }
  const auditor: Principal = { sub: DEMO_USERS.auditor.sub, org: 'audit', mspId: MSP.audit, roles: ['auditor'] };
  const first = await listCharities(ctx, await ctx.wallet.forPrincipal(auditor), { limit: '1' });
  const charity = first.items[0];
  if (charity === undefined) throw invalid('no charity is registered yet; log in as the registrar and register one first');
  return charity.id;
}

/**
 * What the portal needs to know about this gateway, and the demo login.
 * `POST /dev/token` exists only while {@link demoLoginAllowed} holds for the
 * request; otherwise it answers 404 like any unknown path.
 */
export function portalApiRoutes(ctx: DomainContext, devKey: DevKey | undefined): Router {
  const r = Router();
  r.get('/portal', (req, res) => {
    res.json({
      ledger: ctx.ledger.backend,
      gatewayOrg: ctx.config.gatewayOrg,
      publicBaseUrl: ctx.config.publicBaseUrl,
      demoLogin: devKey !== undefined && demoLoginAllowed(ctx.config, originOf(req)),
    });
  });
  r.post('/dev/token', h(async (req, res) => {
    if (devKey === undefined || !demoLoginAllowed(ctx.config, originOf(req))) {
      // Word for word what the app says for a path it does not have.
      return sendProblem(res, 'NOT_FOUND', `no route for ${req.method} ${req.baseUrl}${req.path}`);
    }
    const body = objectField(req.body, 'body');
    const role = body.role;
    if (typeof role !== 'string' || !(DEMO_ROLES as readonly string[]).includes(role)) {
      throw invalid(`role must be one of ${DEMO_ROLES.join(', ')}`);
    }
    const claims: DevTokenClaims = { ...DEMO_USERS[role as DemoRole] };
    if (role === 'charity') claims.charity = await demoCharity(ctx, body.charity);
    const ttlSeconds = Math.min(DEMO_TOKEN_TTL_SECONDS, ctx.config.auth.maxTokenTtlSeconds);
    const token = await signDevToken(devKey, claims, { issuer: ctx.config.auth.issuer, audience: ctx.config.auth.audience, ttlSeconds });
    res.json({ token, claims });
  }));
  return r;
}

