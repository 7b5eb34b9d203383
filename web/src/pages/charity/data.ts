import { api, seg } from '../../lib/api';
import type { Charity, Project } from '../../lib/types';

/** One page of a listing, as the API answers it. */
export interface Listing<T> {
  items: T[];
  nextCursor?: string;
}

/** Loads are shown in place (error state), not answered with a trip to the login page: a charity may ask for a record it may not read. */
const inPlace = { redirectOnAuthError: false } as const;

/** The charity, as `GET /api/v1/charities/:id` answers it. */
export function getCharity(id: string, signal?: AbortSignal): Promise<Charity> {
  return api<Charity>('GET', `/api/v1/charities/${seg(id)}`, { ...inPlace, signal });
}

/** A project with its money figures (target, raised, disbursed, balance). */
export function getProject(id: string, signal?: AbortSignal): Promise<Project> {
  return api<Project>('GET', `/api/v1/projects/${seg(id)}`, { ...inPlace, signal });
}

/** Every project of a charity, page by page (a charity has tens, not thousands). */
export async function listProjects(charityId: string, signal?: AbortSignal): Promise<Project[]> {
  const all: Project[] = [];
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams({ limit: '200' });
    if (cursor) q.set('cursor', cursor);
    const page = await api<Listing<Project>>('GET', `/api/v1/charities/${seg(charityId)}/projects?${q}`, { ...inPlace, signal });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

