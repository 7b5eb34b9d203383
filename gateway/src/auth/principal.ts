import { MSP, ROLES, isOrgKey, type OrgKey, type Role } from '../../../chaincode/src/models';

/** An authenticated caller, from the JWT's claims. */
export interface Principal {
  sub: string;
  org: OrgKey;
  mspId: string;
  roles: Role[];
  dept?: string;
  charity?: string;
}

/** Why a token was refused; answered as 401. */
export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = AuthError.name;
  }
}

const SUB = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** Turns verified JWT claims into a Principal, or throws AuthError. */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const { sub, org, roles, dept, charity } = claims;
  if (typeof sub !== 'string' || !SUB.test(sub)) throw new AuthError('token sub is missing or malformed');
  if (!isOrgKey(org)) throw new AuthError('token org must be civil, charity or audit');
  if (!Array.isArray(roles) || !roles.every((r): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r))) {
    throw new AuthError(`token roles must be an array of ${ROLES.join(', ')}`);
  }
  const p: Principal = { sub, org, mspId: MSP[org], roles: [...new Set(roles)].sort() };
  if (dept !== undefined) {
    if (typeof dept !== 'string' || dept.length > 128) throw new AuthError('token dept must be a string');
    p.dept = dept;
  }
  if (charity !== undefined) {
    if (typeof charity !== 'string' || !SUB.test(charity)) throw new AuthError('token charity must be an identifier');
    p.charity = charity;
  }
  return p;
}
