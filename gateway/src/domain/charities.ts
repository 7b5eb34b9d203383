import { randomUUID } from 'node:crypto';
import { FN } from '../../../chaincode/src/functions';
import type { Charity, CreateProjectInput, Project, RegisterCharityInput } from '../../../chaincode/src/models';
import type { SigningIdentity } from '../../../network/pki/types';
import { rememberBlock } from './block-numbers';
import { read, write, type Written } from './calls';
import type { DomainContext } from './context';
import { ID_PATTERN, amountField, booleanField, objectField, requiredString, stringField } from './input';
import { CodedError } from '../../../chaincode/src/errors';

const CREDIT_CODE = /^[0-9A-Za-z-]{1,64}$/;

/** A charity user acts for the charity its token names; without one it may not write. */
export function requireActingCharity(charity: string | undefined): string {
  if (!charity) throw new CodedError('FORBIDDEN', 'the token names no charity to act for');
  return charity;
}

/** Registers a charity (civil registrar; the chaincode checks who may). */
export async function registerCharity(ctx: DomainContext, who: SigningIdentity, body: unknown): Promise<Written<Charity>> {
  const b = objectField(body, 'body');
  const input: RegisterCharityInput = {
    id: requiredString(b.id, 'id', { max: 128, pattern: ID_PATTERN }),
    name: requiredString(b.name, 'name', { max: 200 }),
    creditCode: requiredString(b.creditCode, 'creditCode', { max: 64, pattern: CREDIT_CODE }),
    publicFundraising: booleanField(b.publicFundraising, 'publicFundraising') as boolean,
  };
  const w = await write<Charity>(ctx, who, FN.registerCharity, [JSON.stringify(input)]);
  rememberBlock(ctx, w.txId, w.blockNumber);
  return w;
}

/** A charity; the chaincode decides who may read it. */
export function getCharity(ctx: DomainContext, who: SigningIdentity, id: string): Promise<Charity> {
  return read<Charity>(ctx, who, FN.getCharity, [id]);
}

/** Creates a project for the charity the caller acts for. */
export async function createProject(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, body: unknown): Promise<Written<Project>> {
  requireActingCharity(charity);
  const b = objectField(body, 'body');
  const input: CreateProjectInput = {
    id: stringField(b.id, 'id', { max: 128, pattern: ID_PATTERN, optional: true }) ?? randomUUID(),
    title: requiredString(b.title, 'title', { max: 200 }),
    targetAmount: amountField(b.targetAmount, 'targetAmount'),
  };
  const w = await write<Project>(ctx, who, FN.createProject, [JSON.stringify(input)]);
  rememberBlock(ctx, w.txId, w.blockNumber);
  return w;
}

/** A project with its money figures; the chaincode decides who may read it. */
export function getProject(ctx: DomainContext, who: SigningIdentity, id: string): Promise<Project> {
  return read<Project>(ctx, who, FN.getProject, [id]);
}
