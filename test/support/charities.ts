import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Call } from './http';

export interface TestCharity {
  /** A staff token of the charity. */
  token: string;
  /** Its projects' ids, in the order they were created. */
  projects: string[];
}

/**
 * A charity registered by the civil registrar, with a staff token and
 * `projects` projects (target ¥1,000,000 each). Fails the test on any refusal.
 */
export async function charityWithProjects(
  api: Call,
  registrar: string,
  sign: (claims: { sub: string; org: 'charity'; roles: string[]; charity: string }) => Promise<string>,
  opts: { id: string; name: string; projects?: number },
): Promise<TestCharity> {
  const c = await api('POST', '/api/v1/charities', {
    token: registrar,
    body: { id: opts.id, name: opts.name, creditCode: '53100000500021676K', publicFundraising: true },
  });
  expect(c.status, JSON.stringify(c.body)).to.equal(201);
  const token = await sign({ sub: `staff-${opts.id}`, org: 'charity', roles: ['charity'], charity: opts.id });
  const projects: string[] = [];
  for (let i = 0; i < (opts.projects ?? 1); i++) {
    const p = await api('POST', '/api/v1/projects', { token, body: { id: `p-${randomUUID()}`, title: '助学金', targetAmount: 100_000_000 } });
    expect(p.status, JSON.stringify(p.body)).to.equal(201);
    projects.push(p.body.id as string);
  }
  return { token, projects };
}
