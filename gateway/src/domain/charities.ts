import { randomUUID } from 'node:crypto';
import { FN } from '../../../chaincode/src/functions';
import { parseCharityInput, parseProjectInput } from '../../../chaincode/src/charity-input';
import type { Charity, Page, Project } from '../../../chaincode/src/models';
import type { SigningIdentity } from '../../../network/pki/types';
import { alreadyWritten, read, write, writeOnce, type Written } from './calls';
import type { DomainContext } from './context';
import { decodeCursor, encodeCursor, limitField, objectField } from './input';
import { CodedError } from '../../../chaincode/src/errors';

/** A charity user acts for the charity its token names; without one it may not write. */
export function requireActingCharity(charity: string | undefined): string {
  if (!charity) throw new CodedError('FORBIDDEN', 'the token names no charity to act for');
  return charity;
}

/** Registers a charity (civil registrar; the chaincode checks who may). */
export async function registerCharity(ctx: DomainContext, who: SigningIdentity, body: unknown): Promise<Written<Charity>> {
  const input = parseCharityInput(objectField(body, 'body'));
  return write<Charity>(ctx, who, FN.registerCharity, [JSON.stringify(input)]);
}

/** A charity; the chaincode decides who may read it. */
export function getCharity(ctx: DomainContext, who: SigningIdentity, id: string): Promise<Charity> {
  return read<Charity>(ctx, who, FN.getCharity, [id]);
}

/** Creates a project for the charity the caller acts for. */
export async function createProject(ctx: DomainContext, who: SigningIdentity, charity: string | undefined, body: unknown): Promise<Written<Project>> {
  requireActingCharity(charity);
  const b = objectField(body, 'body');
  const input = parseProjectInput({ ...b, id: b.id ?? randomUUID() });
  return writeOnce(
    [input.id],
    () => write<Project>(ctx, who, FN.createProject, [JSON.stringify(input)]),
    () => alreadyWritten(ctx, getProject(ctx, who, input.id)),
  );
}

/** A project with its money figures; the chaincode decides who may read it. */
export function getProject(ctx: DomainContext, who: SigningIdentity, id: string): Promise<Project> {
  return read<Project>(ctx, who, FN.getProject, [id]);
}

/** Registered charities, a page at a time (all for auditors and the registrar; a charity user sees its own). */
export async function listCharities(ctx: DomainContext, who: SigningIdentity, query: Record<string, unknown>): Promise<{ items: Charity[]; nextCursor?: string }> {
  const page = await read<Page<Charity>>(ctx, who, FN.listCharities, [String(limitField(query.limit)), decodeCursor(query.cursor)]);
  return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
}

/** A charity's projects with their money figures, a page at a time; the chaincode decides who may read them. */
export async function listProjects(
  ctx: DomainContext,
  who: SigningIdentity,
  charityId: string,
  query: Record<string, unknown>,
): Promise<{ items: Project[]; nextCursor?: string }> {
  const page = await read<Page<Project>>(ctx, who, FN.listProjects, [charityId, String(limitField(query.limit)), decodeCursor(query.cursor)]);
  return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
}
