import { invalid } from './errors';
import { requireFreeText } from './free-text';
import { requireCreditCode } from './identifiers';
import { requireAmount } from './money';
import type { CreateProjectInput, RegisterCharityInput } from './models';
import { requireId, requireObject, requireOnlyFields } from './validate';

/** A charity registration: id, screened name, a valid credit code and the public-fundraising flag. */
export function parseCharityInput(raw: unknown): RegisterCharityInput {
  const body = requireObject('charity', raw);
  requireOnlyFields('charity', body, ['id', 'name', 'creditCode', 'publicFundraising']);
  if (typeof body.publicFundraising !== 'boolean') throw invalid('publicFundraising must be a boolean');
  return {
    id: requireId('id', body.id),
    name: requireFreeText('name', body.name, 200),
    creditCode: requireCreditCode('creditCode', body.creditCode),
    publicFundraising: body.publicFundraising,
  };
}

/** A new project: id, screened title and a target amount in fen. */
export function parseProjectInput(raw: unknown): CreateProjectInput {
  const body = requireObject('project', raw);
  requireOnlyFields('project', body, ['id', 'title', 'targetAmount']);
  return { id: requireId('id', body.id), title: requireFreeText('title', body.title, 200), targetAmount: requireAmount('targetAmount', body.targetAmount) };
}
