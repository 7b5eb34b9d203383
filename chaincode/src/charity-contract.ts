import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { actorOf, requireCaller, txTime } from './access';
import { actingCharity, callerView, isAuditorCaller, mayRead, requireReader } from './charity-access';
import { KEYS, entityKey, getCharity, getProject, writeEntity } from './charity-state';
import { canonicalJson, decode, encode } from './codec';
import { CodedError } from './errors';
import { EVENTS } from './events';
import { CONTRACTS, MAX_PAGE } from './functions';
import { MSP, type Charity, type Page, type Project } from './models';
import { INDEX_VALUE, exists, key, pageIndex } from './state';
import { parseCharityInput, parseProjectInput } from './charity-input';
import { parseArg, parseLimit } from './validate';

/**
 * Charities (registered by the civil-affairs registrar) and their projects
 * (created by the charity's own users).
 */
@Info({ title: 'Charities', description: 'Charity registrations and fundraising projects' })
export class CharityContract extends Contract {
  constructor() {
    super(CONTRACTS.charities);
  }

  /** Registers a charity (civil registrar). */
  @Transaction()
  @Returns('string')
  async RegisterCharity(ctx: Context, inputJson: string): Promise<string> {
    requireCaller(ctx, { msps: [MSP.civil], roles: ['registrar'] });
    const input = parseCharityInput(parseArg<unknown>('charity', inputJson));
    const k = entityKey(ctx, 'charity', input.id);
    if (await exists(ctx, k)) throw new CodedError('DUPLICATE_ID', `charity ${input.id} already registered`);
    const charity = await writeEntity<Charity>(ctx, k, { ...input, registeredAt: txTime(ctx), registeredBy: actorOf(ctx), txId: ctx.stub.getTxID() }, undefined);
    ctx.stub.setEvent(EVENTS.charityRegistered, encode({ id: charity.id, timestamp: charity.registeredAt }));
    return canonicalJson(charity);
  }

  /** A charity (auditors, the civil registrar, the charity's own users). */
  @Transaction(false)
  @Returns('string')
  async GetCharity(ctx: Context, id: string): Promise<string> {
    const charity = await getCharity(ctx, id);
    requireReader(ctx, charity.id);
    return canonicalJson(charity);
  }

  /** Creates a project for the charity named in the caller's certificate. */
  @Transaction()
  @Returns('string')
  async CreateProject(ctx: Context, inputJson: string): Promise<string> {
    const charityId = actingCharity(ctx);
    const input = parseProjectInput(parseArg<unknown>('project', inputJson));
    await getCharity(ctx, charityId);
    const k = entityKey(ctx, 'project', input.id);
    if (await exists(ctx, k)) throw new CodedError('DUPLICATE_ID', `project ${input.id} already exists`);
    const now = txTime(ctx);
    const project: Project = {
      ...input,
      charityId,
      raised: 0,
      disbursed: 0,
      balance: 0,
      donationCount: 0,
      fifoHead: 1,
      createdAt: now,
      createdBy: actorOf(ctx),
      updatedAt: now,
      txId: ctx.stub.getTxID(),
    };
    const written = await writeEntity(ctx, k, project, undefined);
    await ctx.stub.putState(key(ctx, KEYS.projectByCharity, [charityId, project.id]), INDEX_VALUE);
    ctx.stub.setEvent(EVENTS.projectCreated, encode({ id: project.id, charityId, timestamp: now }));
    return canonicalJson(written);
  }

  /** A project with its money figures (auditors, the civil registrar, the owning charity). */
  @Transaction(false)
  @Returns('string')
  async GetProject(ctx: Context, id: string): Promise<string> {
    const project = await getProject(ctx, id);
    requireReader(ctx, project.charityId);
    return canonicalJson(project);
  }

  /**
   * Registered charities in id order: all of them for auditors and the civil
   * registrar, only its own for a charity user (whose list has one entry).
   */
  @Transaction(false)
  @Returns('string')
  async ListCharities(ctx: Context, limit: string, cursor: string): Promise<string> {
    const size = parseLimit(limit, MAX_PAGE, 100);
    const caller = callerView(ctx);
    const seesAll = isAuditorCaller(caller) || (caller.mspId === MSP.civil && caller.roles.includes('registrar'));
    if (!seesAll) {
      if (caller.charity === undefined || !mayRead(caller, caller.charity)) {
        throw new CodedError('FORBIDDEN', 'only auditors, the civil registrar and charity users may list charities');
      }
      const own = await getCharity(ctx, caller.charity);
      return canonicalJson({ items: [own] } satisfies Page<Charity>);
    }
    const load = async (_k: string, value: Uint8Array): Promise<Charity> => decode<Charity>(value);
    return canonicalJson(await pageIndex(ctx, KEYS.charity, [], size, cursor, load));
  }

  /** A charity's projects in id order, with their money figures (those who may read the charity). */
  @Transaction(false)
  @Returns('string')
  async ListProjects(ctx: Context, charityId: string, limit: string, cursor: string): Promise<string> {
    const charity = await getCharity(ctx, charityId);
    requireReader(ctx, charity.id);
    const size = parseLimit(limit, MAX_PAGE, 100);
    const load = async (indexKey: string): Promise<Project> => {
      const { attributes } = ctx.stub.splitCompositeKey(indexKey);
      return getProject(ctx, attributes[attributes.length - 1]);
    };
    return canonicalJson(await pageIndex(ctx, KEYS.projectByCharity, [charity.id], size, cursor, load));
  }
}
