import type { Request, RequestHandler, Response } from 'express';
import type { SigningIdentity } from '../../../network/pki/types';
import type { DomainContext } from '../domain/context';
import { invalid } from '../../../chaincode/src/errors';

export type Handler = (req: Request, res: Response) => Promise<void>;

/** Express 5 forwards rejected promises to the error middleware; this keeps handlers typed. */
export const h = (fn: Handler): RequestHandler => (req, res, next) => fn(req, res).catch(next);

/** A path parameter, 1..128 characters, or a 400. */
export const param = (req: Request, name: string): string => {
  const v = req.params[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > 128) throw invalid(`${name} is malformed`);
  return v;
};

/** What a group of routes is built from. */
export interface RouteDeps {
  ctx: DomainContext;
  /** Requires a valid bearer token. */
  authed: RequestHandler;
  /** Idempotency-Key handling for writes. */
  idem: RequestHandler;
  /** The caller's ledger identity (enrolled on first use). */
  me: (res: Response) => Promise<SigningIdentity>;
}
