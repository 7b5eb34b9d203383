import { expect } from 'chai';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from '../../chaincode/src/codec';
import { parseArg } from '../../chaincode/src/validate';

/** The nesting depth the way a recursive reader sees it, for comparison on small inputs. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/**
 * The text as a String object whose `charCodeAt` counts its calls: the work
 * the depth check does, measured in characters read rather than time.
 */
function readCounter(text: string): { text: string; reads: () => number } {
  let n = 0;
  // A String object on purpose: its charCodeAt can be replaced to count the reads.
  // eslint-disable-next-line @typescript-eslint/no-wrapper-object-types
  const counted = new String(text) as String & { charCodeAt(i: number): number };
  counted.charCodeAt = (i: number): number => {
    n++;
    return text.charCodeAt(i);
  };
  return { text: counted as unknown as string, reads: () => n };
}

describe('jsonDepthExceeds', function () {
  it('is 32 levels by default', function () {
    expect(MAX_JSON_DEPTH).to.equal(32);
  });

  it('accepts exactly the maximum and refuses one level more, for arrays and objects', function () {
    const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const objects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    for (const make of [arrays, objects]) {
      expect(jsonDepthExceeds(make(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).to.equal(false);
      expect(jsonDepthExceeds(make(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).to.equal(true);
    }
    expect(jsonDepthExceeds('[{"a":[{}]}]', 4)).to.equal(false);
    expect(jsonDepthExceeds('[{"a":[{"b":[]}]}]', 4)).to.equal(true);
  });

  it('counts depth, not the number of containers', function () {
    const wide = JSON.stringify(Array.from({ length: 10_000 }, () => [[{ a: [] }]]));
    expect(jsonDepthExceeds(wide, 5)).to.equal(false);
    expect(jsonDepthExceeds(wide, 4)).to.equal(true);
  });

  it('treats scalars and empty text as depth 0', function () {
    for (const text of ['', '1', '"x"', 'null', 'true']) expect(jsonDepthExceeds(text, 0)).to.equal(false);
    expect(jsonDepthExceeds('[]', 0)).to.equal(true);
  });

  it('refuses 200,000 open brackets without recursion, reading each character at most once and stopping at the first level too many', function () {
    const deep = (text: string, max: number) => {
      const counted = readCounter(text);
      return { exceeds: jsonDepthExceeds(counted.text, max), reads: counted.reads() };
    };
    // A recursive reader would overflow the stack long before 200,000 levels.
    expect(deep('['.repeat(200_000), MAX_JSON_DEPTH)).to.deep.equal({ exceeds: true, reads: MAX_JSON_DEPTH + 1 });
    const balanced = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(deep(balanced, 200_000)).to.deep.equal({ exceeds: false, reads: balanced.length });
    const objects = `${'{"k":'.repeat(200_000)}0${'}'.repeat(200_000)}`;
    const o = deep(objects, MAX_JSON_DEPTH);
    expect(o.exceeds).to.equal(true);
    expect(o.reads).to.be.at.most('{"k":'.length * (MAX_JSON_DEPTH + 1));
    // Work grows with the input, not faster: ten times the text, at most ten times the reads.
    for (const n of [1_000, 10_000]) {
      const wide = JSON.stringify(Array.from({ length: n }, () => ['[{"a":', '\\"', { b: [] }]));
      expect(deep(wide, MAX_JSON_DEPTH).reads, String(n)).to.be.at.most(wide.length);
    }
  });

  it('ignores brackets inside string literals, also after escaped quotes and backslashes', function () {
    const values: unknown[] = [
      { s: '['.repeat(1000) },
      { s: '{'.repeat(1000), t: ']]]]}}}}' },
      ['"[[[[', '\\', '\\"{{{{', '\\\\"[[', '\u005b\u007b'],
      { '[[[[[[': { '{{{{': '"]' } },
    ];
    for (const v of values) {
      const text = JSON.stringify(v);
      expect(jsonDepthExceeds(text, depthOf(v)), text.slice(0, 60)).to.equal(false);
      expect(jsonDepthExceeds(text, depthOf(v) - 1), text.slice(0, 60)).to.equal(true);
    }
    // A \u escape that spells a quote does not end the string.
    expect(jsonDepthExceeds('["\\u0022[[[[[["]', 1)).to.equal(false);
  });

  it('agrees with a recursive count on generated documents', function () {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const strings = ['[', ']', '{', '}', '"', '\\', 'x', '\\"[', '{"a":['];
    const gen = (d: number): unknown => {
      const k = rnd(d > 6 ? 3 : 5);
      if (k === 0) return rnd(100);
      if (k === 1) return Array.from({ length: 1 + rnd(3) }, () => strings[rnd(strings.length)]).join('');
      if (k === 2) return null;
      if (k === 3) return Array.from({ length: rnd(4) }, () => gen(d + 1));
      return Object.fromEntries(Array.from({ length: rnd(4) }, (_, i) => [`${strings[rnd(strings.length)]}${i}`, gen(d + 1)]));
    };
    for (let i = 0; i < 500; i++) {
      const v = gen(0);
      const text = JSON.stringify(v);
      const d = depthOf(v);
      expect(jsonDepthExceeds(text, d), text).to.equal(false);
      if (d > 0) expect(jsonDepthExceeds(text, d - 1), text).to.equal(true);
    }
  });

  it('makes the chaincode refuse a deeply nested argument before parsing it', function () {
    expect(() => parseArg('donation', '['.repeat(200_000))).to.throw(/^VALIDATION_FAILED: donation is nested deeper than/);
    expect(parseArg<unknown[]>('items', JSON.stringify([[[1]]]))).to.deep.equal([[[1]]]);
  });
});
