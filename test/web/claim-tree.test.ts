import { expect } from 'chai';
import {
  claimTree,
  cut,
  MAX_CLAIM_DEPTH,
  MAX_CLAIM_FACTS,
  MAX_LIST_ITEMS,
  MAX_VALUE_CHARS,
  shortJson,
  type ClaimLevel,
  type ClaimValue,
} from '../../web/src/pages/public/claim-tree';

/** How deep the tree goes, counting the top level as 1. */
function depthOf(level: ClaimLevel): number {
  let deepest = 1;
  for (const fact of level.facts) if (fact.value.kind === 'object') deepest = Math.max(deepest, 1 + depthOf(fact.value));
  return deepest;
}

function countFacts(level: ClaimLevel): number {
  return level.facts.reduce((n, f) => n + 1 + (f.value.kind === 'object' ? countFacts(f.value) : 0), 0);
}

describe('portal: a credential’s claims cut to what a page can show', function () {
  it('keeps ordinary claims as they are: scalars, lists and a nested spouse', function () {
    const tree = claimTree([
      ['householdSize', 3],
      ['region', '北京市东城区'],
      ['tags', ['a', 1, true, { x: 1 }]],
      ['spouse', { name: '李四', idNumber: '110***' }],
    ]);
    expect(tree.more).to.equal(0);
    expect(tree.facts.map((f) => f.key)).to.deep.equal(['householdSize', 'region', 'tags', 'spouse']);
    expect(tree.facts[0].value).to.deep.equal({ kind: 'scalar', value: 3 });
    expect(tree.facts[2].value).to.deep.equal({
      kind: 'list',
      items: [
        { kind: 'scalar', value: 'a' },
        { kind: 'scalar', value: 1 },
        { kind: 'scalar', value: true },
        { kind: 'json', text: '{"x":1}' },
      ],
      more: 0,
    });
    const spouse = tree.facts[3].value as Extract<ClaimValue, { kind: 'object' }>;
    expect(spouse.facts.map((f) => [f.key, f.value])).to.deep.equal([
      ['name', { kind: 'scalar', value: '李四' }],
      ['idNumber', { kind: 'scalar', value: '110***' }],
    ]);
  });

  it(`stops objects nested 3,000 deep at level ${MAX_CLAIM_DEPTH}, marking the cut`, function () {
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 3000; i++) deep = { level: deep };
    const tree = claimTree([['nested', deep]]);
    expect(depthOf(tree)).to.equal(MAX_CLAIM_DEPTH);
    let at: ClaimLevel = tree;
    for (let d = 1; d < MAX_CLAIM_DEPTH; d++) at = at.facts[0].value as Extract<ClaimValue, { kind: 'object' }>;
    expect(at.facts[0].value).to.deep.equal({ kind: 'tooDeep' });
  });

  it(`shows at most ${MAX_CLAIM_FACTS} facts in all, and counts those left out`, function () {
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const tree = claimTree([
      ['first', wide],
      ['second', 1],
    ]);
    expect(countFacts(tree)).to.equal(MAX_CLAIM_FACTS);
    const first = tree.facts[0].value as Extract<ClaimValue, { kind: 'object' }>;
    expect(first.more).to.equal(100_000 - (MAX_CLAIM_FACTS - 1));
    expect(tree.more).to.equal(1);
  });

  it('cuts long texts, long lists and large or deep JSON, whatever their size', function () {
    const long = 'x'.repeat(1_000_000);
    const tree = claimTree([
      [long, long],
      ['list', Array.from({ length: 10_000 }, (_, i) => i)],
    ]);
    expect(tree.facts[0].key).to.have.length(MAX_VALUE_CHARS);
    expect(tree.facts[0].value).to.deep.equal({ kind: 'scalar', value: `${'x'.repeat(MAX_VALUE_CHARS - 1)}…` });
    const list = tree.facts[1].value as Extract<ClaimValue, { kind: 'list' }>;
    expect(list.items).to.have.length(MAX_LIST_ITEMS);
    expect(list.more).to.equal(10_000 - MAX_LIST_ITEMS);

    let deepArray: unknown = [];
    for (let i = 0; i < 100_000; i++) deepArray = [deepArray];
    expect(shortJson(deepArray)).to.equal('[[[[[[[…]]]]]]]');
    expect(shortJson(Array.from({ length: 1_000_000 }, () => 'abc')).length).to.be.at.most(MAX_VALUE_CHARS);
    expect(shortJson({ a: [1, 'b', null], c: { d: false } })).to.equal('{"a":[1,"b",null],"c":{"d":false}}');
  });

  it('never splits a surrogate pair when cutting', function () {
    const text = `${'a'.repeat(8)}😀😀`;
    expect(cut(text, 10)).to.equal(`${'a'.repeat(8)}…`);
    expect(cut(text, 11)).to.equal(`${'a'.repeat(8)}😀…`);
    expect(cut('short', 10)).to.equal('short');
  });
});
