import { Router } from 'express';
import * as charities from '../domain/charities';
import * as donations from '../domain/donations';
import { allow, principalOf } from './auth';
import { h, param, type RouteDeps } from './handler';
import { withDerivedIds } from './idempotency';

/** The v1 routes of the Charities and donations section. */
export function charityRoutes({ ctx, authed, idem, me }: RouteDeps): Router {
  const r = Router();
  const registrar = allow({ orgs: ['civil'], roles: ['registrar'] });
  const charityUser = allow({ orgs: ['charity'], roles: ['charity'] });

  r.post('/charities', authed, registrar, idem, h(async (req, res) => {
    const w = await charities.registerCharity(ctx, await me(res), req.body);
    res.status(201).json({ ...w.value, txId: w.txId, blockNumber: w.blockNumber });
  }));
  r.get('/charities', authed, h(async (req, res) => {
    res.json(await charities.listCharities(ctx, await me(res), req.query as Record<string, unknown>));
  }));
  r.get('/charities/:id/projects', authed, h(async (req, res) => {
    res.json(await charities.listProjects(ctx, await me(res), param(req, 'id'), req.query as Record<string, unknown>));
  }));
  r.get('/charities/:id', authed, h(async (req, res) => {
    res.json(await charities.getCharity(ctx, await me(res), param(req, 'id')));
  }));

  r.post('/projects', authed, charityUser, idem, h(async (req, res) => {
    const w = await charities.createProject(ctx, await me(res), principalOf(res).charity, withDerivedIds(res, req.body));
    res.status(201).json({ ...w.value, txId: w.txId, blockNumber: w.blockNumber });
  }));
  r.get('/projects/:id', authed, h(async (req, res) => {
    res.json(await charities.getProject(ctx, await me(res), param(req, 'id')));
  }));

  r.post('/donations', authed, charityUser, idem, h(async (req, res) => {
    res.status(201).json(await donations.recordDonation(ctx, await me(res), principalOf(res).charity, withDerivedIds(res, req.body)));
  }));
  r.post('/donations/batch', authed, charityUser, idem, h(async (req, res) => {
    res.status(201).json(await donations.importDonations(ctx, await me(res), principalOf(res).charity, withDerivedIds(res, req.body, true)));
  }));
  // Read-only: what the ledger holds under a batch's ids, compared with the batch (an import that runs again).
  r.post('/donations/compare', authed, charityUser, h(async (req, res) => {
    const p = principalOf(res);
    res.json(await donations.compareDonations(ctx, await me(res), p.charity, `${p.mspId}\u0000${p.sub}`, req.body));
  }));
  r.get('/donations/:id', authed, h(async (req, res) => {
    res.json(await donations.getDonation(ctx, await me(res), param(req, 'id')));
  }));

  r.post('/disbursements', authed, charityUser, idem, h(async (req, res) => {
    res.status(201).json(await donations.recordDisbursement(ctx, await me(res), principalOf(res).charity, withDerivedIds(res, req.body)));
  }));
  r.get('/disbursements/:id', authed, h(async (req, res) => {
    res.json(await donations.getDisbursement(ctx, await me(res), param(req, 'id')));
  }));
  return r;
}
