import { once } from 'node:events';
import { Router, type RequestHandler, type Response } from 'express';
import * as audit from '../domain/audit';
import { NOT_YOUR_CHARITY_AUDIT, mayAudit, mayAuditSome, type CallerView } from '../../../chaincode/src/charity-access';
import { requireYear } from '../../../chaincode/src/dates';
import { allow, principalOf } from './auth';
import { h, param, type RouteDeps } from './handler';
import { CodedError } from '../../../chaincode/src/errors';

/** The caller as the chaincode's access decisions see it. */
const viewOf = (res: Response): CallerView => principalOf(res);

/** A fast, friendly 403 by the chaincode's own rule; the chaincode checks again from the caller's certificate. */
const auditReader: RequestHandler = (_req, res, next) => {
  next(mayAuditSome(viewOf(res)) ? undefined : new CodedError('FORBIDDEN', 'requires an auditor, or a charity auditing its own records'));
};

function requireMayAudit(res: Response, charityId: string): void {
  if (!mayAudit(viewOf(res), charityId)) throw new CodedError('FORBIDDEN', NOT_YOUR_CHARITY_AUDIT);
}

/** The v1 routes of the Audit section. */
export function auditRoutes({ ctx, authed, me }: RouteDeps): Router {
  const r = Router();
  const ledgerAuditor = allow({ orgs: ['audit'], roles: ['auditor'] });

  r.get('/audit/donations/:id/trace', authed, auditReader, h(async (req, res) => {
    res.json(await audit.traceDonation(ctx, await me(res), param(req, 'id')));
  }));
  r.get('/audit/disbursements/:id/trace', authed, auditReader, h(async (req, res) => {
    res.json(await audit.traceDisbursement(ctx, await me(res), param(req, 'id')));
  }));
  r.get('/audit/charities/:id/report', authed, auditReader, h(async (req, res) => {
    const id = param(req, 'id');
    requireMayAudit(res, id);
    res.json(await audit.annualReport(ctx, await me(res), id, requireYear('year', req.query.year)));
  }));
  r.get('/audit/charities/:id/records', authed, auditReader, h(async (req, res) => {
    const id = param(req, 'id');
    requireMayAudit(res, id);
    res.json(await audit.yearRecords(ctx, await me(res), id, requireYear('year', req.query.year), req.query as Record<string, unknown>));
  }));
  r.get('/audit/charities/:id/export.csv', authed, auditReader, h(async (req, res) => {
    const id = param(req, 'id');
    requireMayAudit(res, id);
    const year = requireYear('year', req.query.year);
    const chunks = await audit.exportYearCsv(ctx, await me(res), id, year);
    res.status(200);
    res.set('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.set('Content-Disposition', `attachment; filename="${id.replace(/[^A-Za-z0-9._-]/g, '_')}-${year}.csv"`);
    for await (const chunk of chunks) {
      if (!res.write(chunk)) await once(res, 'drain');
    }
    res.end();
  }));
  r.get('/audit/history/:entity/:id', authed, auditReader, h(async (req, res) => {
    const entity = audit.historyEntityField(param(req, 'entity'));
    res.json(await audit.entityHistory(ctx, await me(res), entity, param(req, 'id'), req.query as Record<string, unknown>));
  }));
  r.get('/audit/transactions/:txId', authed, ledgerAuditor, h(async (req, res) => {
    res.json(await audit.transaction(ctx, param(req, 'txId')));
  }));
  r.get('/audit/ledger/verify', authed, ledgerAuditor, h(async (_req, res) => {
    res.json(await audit.verifyLedger(ctx));
  }));
  return r;
}
