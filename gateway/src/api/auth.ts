import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { OrgKey, Role } from '../../../chaincode/src/models';
import type { Authenticator } from '../auth/authenticator';
import { AuthError, type Principal } from '../auth/principal';
import { CodedError } from '../../../chaincode/src/errors';

/** The principal of an authenticated request. */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new TypeError('route is missing the authenticate middleware');
  return p;
}

/** Requires `Authorization: Bearer <jwt>`; answers 401 otherwise. */
export function authenticate(verify: Authenticator, serves: ReadonlySet<string>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim()) : null;
    if (!match) return next(new AuthError(header ? 'authorization header must be Bearer <token>' : 'missing bearer token'));
    try {
      const principal = await verify(match[1]);
      // One gateway per department: it holds its own org's keys only, so it can act for no one else.
      if (!serves.has(principal.mspId)) {
        throw new CodedError('ORG_NOT_SERVED', `this gateway acts for ${[...serves].join(', ')} only; use the gateway of ${principal.mspId}`);
      }
      res.locals.principal = principal;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Gateway-side role check: a fast, friendly 403. The chaincode checks again
 * from the certificate attributes; this never replaces that.
 */
export function allow(rule: { orgs?: OrgKey[]; roles: Role[] }): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (rule.orgs && !rule.orgs.includes(p.org)) {
      return next(new CodedError('FORBIDDEN', `requires an account of ${rule.orgs.join(' or ')}`));
    }
    if (!rule.roles.some((r) => p.roles.includes(r))) {
      return next(new CodedError('FORBIDDEN', `requires role ${rule.roles.join(' or ')}`));
    }
    next();
  };
}
