import { Router, type Response } from 'express';
import type { Authenticator } from '../auth/authenticator';
import type { DomainContext } from '../domain/context';
import * as certificates from '../domain/certificates';
import * as registry from '../domain/registry';
import { STATUS_LIST_TTL_MS, statusListCredential } from '../domain/status-lists';
import { verify, verifyReference } from '../domain/verification';
import { personField } from '../domain/input';
import { allow, authenticate, principalOf } from './auth';
import { auditRoutes } from './audit-routes';
import { charityRoutes } from './charity-routes';
import { eventRoutes } from './event-routes';
import { h, param } from './handler';
import { withDerivedIds, type IdempotencyStore } from './idempotency';
import { invalid } from '../../../chaincode/src/errors';

/** The v1 routes: Registry, Certificates and Verification here; Charities and donations, and Audit, in their own routers. */
export function apiRouter(ctx: DomainContext, auth: Authenticator, idempotency: IdempotencyStore): Router {
  const r = Router();
  const authed = authenticate(auth, new Set(ctx.ledger.certificateAuthorities.keys()));
  const idem = idempotency.middleware();
  const me = (res: Response) => ctx.wallet.forPrincipal(principalOf(res));

  r.get('/me', authed, (_req, res) => {
    const p = principalOf(res);
    res.json({ sub: p.sub, org: p.org, mspId: p.mspId, roles: p.roles, dept: p.dept, charity: p.charity });
  });
  r.get('/certificate-types', h(async (_req, res) => void res.json(await registry.listTypes(ctx))));
  r.post('/certificate-types', authed, allow({ orgs: ['civil'], roles: ['registrar'] }), idem, h(async (req, res) => {
    const w = await registry.registerType(ctx, await me(res), req.body);
    res.status(201).json({ ...w.value, txId: w.txId, blockNumber: w.blockNumber });
  }));
  r.get('/issuers', h(async (_req, res) => void res.json(await registry.listIssuers(ctx))));
  r.post('/issuers/keys/rotate', authed, allow({ roles: ['admin'] }), idem, h(async (_req, res) => {
    const w = await registry.rotateKey(ctx, await me(res));
    res.status(201).json({ key: w.value.key, retired: w.value.retired, txId: w.txId, blockNumber: w.blockNumber });
  }));

  r.post('/issuers/keys/:kid/compromised', authed, allow({ roles: ['admin'] }), idem, h(async (req, res) => {
    const w = await registry.markKeyCompromised(ctx, await me(res), param(req, 'kid'), req.body);
    res.json({ ...w.value, txId: w.txId, blockNumber: w.blockNumber });
  }));

  // Which org may issue a type is the type's issuerMsps, decided in the domain and the chaincode.
  const issuer = allow({ roles: ['issuer'] });
  const reader = allow({ roles: ['verifier', 'issuer', 'auditor'] });
  r.post('/certificates', authed, issuer, idem, h(async (req, res) => {
    res.status(201).json(await certificates.issue(ctx, await me(res), withDerivedIds(res, req.body), idempotency.keeperFor(res)));
  }));
  r.post('/certificates/batch', authed, issuer, idem, h(async (req, res) => {
    res.status(201).json(await certificates.issueBatch(ctx, await me(res), withDerivedIds(res, req.body, true), idempotency.keeperFor(res)));
  }));
  // Read-only: what the ledger holds under a batch's ids, compared with the batch (an import that runs again).
  r.post('/certificates/compare', authed, issuer, h(async (req, res) => {
    const p = principalOf(res);
    res.json(await certificates.compareCertificates(ctx, await me(res), `${p.mspId}\u0000${p.sub}`, req.body));
  }));
  r.post('/certificates/search', authed, reader, h(async (req, res) => {
    const p = principalOf(res);
    res.json(await certificates.searchByHolder(ctx, await me(res), `${p.mspId}\u0000${p.sub}`, req.body));
  }));
  r.get('/certificates', authed, reader, h(async (req, res) => {
    res.json(await certificates.listCertificates(ctx, await me(res), req.query as Record<string, unknown>));
  }));
  r.get('/certificates/:id', authed, h(async (req, res) => {
    res.json(await certificates.getCertificate(ctx, await me(res), param(req, 'id')));
  }));
  r.get('/certificates/:id/history', authed, h(async (req, res) => {
    res.json(await certificates.history(ctx, await me(res), param(req, 'id')));
  }));
  for (const action of ['suspend', 'reinstate', 'revoke'] as const) {
    r.post(`/certificates/:id/${action}`, authed, issuer, idem, h(async (req, res) => {
      res.json(await certificates.changeStatus(ctx, await me(res), param(req, 'id'), action, req.body));
    }));
  }

  r.post('/verify', h(async (req, res) => {
    const body = req.body as { credential?: unknown; holder?: unknown } | undefined;
    if (!body || typeof body !== 'object' || typeof body.credential !== 'string') throw invalid('credential must be a string (a compact JWS)');
    const holder = body.holder === undefined || body.holder === null ? undefined : personField(body.holder, 'holder');
    res.json(await verify(ctx, body.credential, new Date(), holder));
  }));

  r.post('/verify/reference', h(async (req, res) => {
    res.json(await verifyReference(ctx, req.body, new Date()));
  }));

  r.get('/status-lists/:mspId/:purpose/:list', h(async (req, res) => {
    const served = await statusListCredential(ctx, param(req, 'mspId'), param(req, 'purpose'), param(req, 'list'));
    res.set('ETag', served.etag);
    res.set('Cache-Control', `public, max-age=${STATUS_LIST_TTL_MS / 1000}`);
    const wanted = (req.get('if-none-match') ?? '').split(',').map((t) => t.trim());
    if (wanted.includes(served.etag) || wanted.includes('*')) return void res.status(304).end();
    res.type('application/vc+jwt').send(served.jws);
  }));

  r.use(eventRoutes({ ctx, authed }));
  r.use(charityRoutes({ ctx, authed, idem, me }));
  r.use(auditRoutes({ ctx, authed, idem, me }));
  return r;
}
