import { expect } from 'chai';
import { decodeText, parseCsv, toCsv } from '../../web/src/pages/registry/csv';
import { buildClaims, checkValue, fieldsOf, formCanIssue, localToOffsetIso, type FieldSpec } from '../../web/src/pages/registry/field-spec';
import { patternCheck } from '../../web/src/pages/registry/schema-pattern';
import { itemIndexOf, placeDetail, splitPlaced } from '../../web/src/pages/registry/server-errors';
import { sampleCreditCode } from '../../scripts/sample-ids';

const schema = {
  type: 'object',
  required: ['region', 'size', 'spouse'],
  properties: {
    approvedOn: { type: 'string', format: 'date' },
    kind: { enum: ['a', 'b', 3] },
    region: { type: 'string', minLength: 1, maxLength: 5, title: '地区' },
    size: { type: 'integer', minimum: 1, maximum: 50 },
    spouse: { type: 'object', required: ['name'], properties: { idNumber: { type: 'string' }, name: { type: 'string', minLength: 1 } } },
    tags: { type: 'array', items: { type: 'string' } },
    code: { type: 'string', format: 'unified-social-credit-code' },
  },
};

const byPath = (fields: FieldSpec[]) => Object.fromEntries(fields.map((f) => [f.path, f]));

describe('registry console: forms from a type schema', function () {
  it('lists required properties first, in the order of `required`, since the ledger stores schemas with sorted keys', function () {
    expect(fieldsOf(schema).map((f) => f.name)).to.deep.equal(['region', 'size', 'spouse', 'approvedOn', 'kind', 'tags', 'code']);
  });

  it('reads each property as the input it needs, nested objects with their own fields', function () {
    const f = byPath(fieldsOf(schema));
    expect(f.approvedOn.kind).to.equal('date');
    expect(f.kind.kind).to.equal('enum');
    expect(f.kind.enumValues).to.deep.equal(['a', 'b', 3]);
    expect(f.region).to.include({ kind: 'string', required: true, title: '地区', minLength: 1, maxLength: 5 });
    expect(f.size).to.include({ kind: 'integer', minimum: 1, maximum: 50 });
    expect(f.spouse.kind).to.equal('object');
    expect(f.spouse.children?.map((c) => [c.path, c.required])).to.deep.equal([
      ['spouse.name', true],
      ['spouse.idNumber', false],
    ]);
    expect(f.tags.kind).to.equal('unsupported');
    expect(formCanIssue(fieldsOf(schema))).to.equal(true);
    expect(formCanIssue(fieldsOf({ type: 'object', required: ['tags'], properties: { tags: { type: 'array' } } }))).to.equal(false);
  });

  it('builds claims with their schema types and names each problem by its field path', function () {
    const fields = fieldsOf(schema);
    const ok = buildClaims(fields, { region: ' 徐汇 ', size: '3', 'spouse.name': '李四', kind: '3', approvedOn: '2026-02-28' });
    expect(ok.problems).to.deep.equal({});
    expect(ok.claims).to.deep.equal({ region: '徐汇', size: 3, spouse: { name: '李四' }, kind: 3, approvedOn: '2026-02-28' });

    const bad = buildClaims(fields, { region: '上海市徐汇区', size: '2.5', approvedOn: '2026-02-30', kind: 'c' });
    expect(bad.problems.region).to.deep.equal({ key: 'maxLength', values: { n: 5 } });
    expect(bad.problems.size.key).to.equal('integer');
    expect(bad.problems.approvedOn.key).to.equal('date');
    expect(bad.problems.kind.key).to.equal('enum');
    // A required object with nothing filled in still has its required fields checked.
    expect(bad.problems['spouse.name'].key).to.equal('required');
  });

  it('leaves out an optional object nobody filled in, and checks its fields once one is', function () {
    const fields = fieldsOf({ type: 'object', properties: { spouse: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, idNumber: { type: 'string' } } } } });
    expect(buildClaims(fields, {}).claims).to.deep.equal({});
    expect(buildClaims(fields, { 'spouse.idNumber': 'E123456' }).problems).to.deep.equal({ 'spouse.name': { key: 'required' } });
  });

  it('checks bounds, identifier formats and booleans as the ledger would, normalising identifiers', function () {
    const { size, code } = byPath(fieldsOf(schema));
    expect(checkValue(size, '0')).to.deep.equal({ problem: { key: 'minimum', values: { n: 1 } } });
    expect(checkValue(size, '51')).to.deep.equal({ problem: { key: 'maximum', values: { n: 50 } } });
    const credit = sampleCreditCode();
    expect(checkValue(code, ` ${credit.toLowerCase()} `.trim())).to.deep.equal({ value: credit });
    expect(checkValue(code, `${credit.slice(0, 17)}${credit[17] === '0' ? '1' : '0'}`)).to.deep.equal({ problem: { key: 'creditCode' } });
    const flag: FieldSpec = { name: 'f', path: 'f', kind: 'boolean', required: false };
    expect(checkValue(flag, '是')).to.deep.equal({ value: true });
    expect(checkValue(flag, 'No')).to.deep.equal({ value: false });
    expect(checkValue(flag, 'maybe')).to.deep.equal({ problem: { key: 'boolean' } });
  });

  it('checks schema patterns with the ledger’s linear-time engine only, leaving to the ledger what it cannot run', function () {
    const field = (pattern: string): FieldSpec => ({ name: 'code', path: 'code', kind: 'string', required: true, pattern });
    const redos = field('^(a+)+$');
    const started = Date.now();
    expect(checkValue(redos, `${'a'.repeat(32)}!`, patternCheck)).to.deep.equal({ problem: { key: 'pattern' } });
    expect(checkValue(redos, 'a'.repeat(10_000) + '!', patternCheck)).to.deep.equal({ problem: { key: 'pattern' } });
    expect(Date.now() - started, 'milliseconds').to.be.below(1_000);
    expect(checkValue(redos, 'a'.repeat(32), patternCheck)).to.deep.equal({ value: 'a'.repeat(32) });
    // An unanchored pattern searches, as in ECMA-262; Unicode mode, as the ledger's Ajv.
    expect(checkValue(field('\\d{4}'), 'AB1234', patternCheck)).to.deep.equal({ value: 'AB1234' });
    expect(checkValue(field('^.$'), '😀', patternCheck)).to.deep.equal({ value: '😀' });
    // A backreference or lookaround RE2 cannot run: no browser check (never the backtracking RegExp), the ledger decides.
    expect(checkValue(field('^(a)\\1$'), 'ab', patternCheck)).to.deep.equal({ value: 'ab' });
    expect(checkValue(field('^(?=a)'), 'b', patternCheck)).to.deep.equal({ value: 'b' });
    // Without the engine (still loading, or it failed to load), patterns are the ledger's to check.
    expect(checkValue(redos, 'b')).to.deep.equal({ value: 'b' });
    expect(buildClaims([redos], { code: 'b' }, patternCheck).problems).to.deep.equal({ code: { key: 'pattern' } });
  });

  it('sends a date-time typed without a zone with the offset of the browser’s zone', function () {
    const iso = localToOffsetIso('2026-03-01T09:30');
    expect(iso).to.match(/^2026-03-01T09:30:00[+-]\d\d:\d\d$/);
    expect(Date.parse(iso as string)).to.equal(new Date(2026, 2, 1, 9, 30).getTime());
    expect(localToOffsetIso('2026-02-30T09:30')).to.equal(undefined);
  });
});

describe('registry console: the gateway’s VALIDATION_FAILED details placed on fields', function () {
  it('places each schema problem on its claim, required properties included', function () {
    const detail = "body.claims do not match the low-income-household schema: /householdSize must be >= 1; (root) must have required property 'region'; /spouse/name must NOT have fewer than 1 characters";
    expect(placeDetail(detail, 'body')).to.deep.equal([
      { field: 'claims.householdSize', problem: { key: 'minimum', values: { n: '1' } } },
      { field: 'claims.region', problem: { key: 'required' } },
      { field: 'claims.spouse.name', problem: { key: 'minLength', values: { n: '1' } } },
    ]);
  });

  it('places holder, id and validity rules, and keeps unknown wording as the gateway said it', function () {
    expect(placeDetail('body.holder.idNumber is not a valid resident ID number (18 characters with the GB 11643 check character); name other documents with idType', 'body')).to.deep.equal([
      { field: 'holder.idNumber', problem: { key: 'idNumber' } },
    ]);
    expect(placeDetail('items[3].holder.name is required', 'items[3]')).to.deep.equal([{ field: 'holder.name', problem: { key: 'required' } }]);
    expect(placeDetail('body.validUntil must be after validFrom', 'body')[0]).to.deep.equal({ field: 'validUntil', problem: { key: 'validUntilOrder' } });
    expect(placeDetail('title is longer than 200 characters', '')).to.deep.equal([{ field: 'title', problem: { key: 'maxLength', values: { n: '200' } } }]);
    expect(placeDetail('/x must be multiple of 5', 'body')).to.deep.equal([{ problem: { key: 'invalid', detail: '/x must be multiple of 5' } }]);
    expect(itemIndexOf('items[12].claims do not match')).to.equal(12);
  });

  it('sends problems on fields the form does not have to the top, with the whole detail', function () {
    const detail = 'charity has unknown fields: x';
    const split = splitPlaced(placeDetail(detail, ''), new Set(['id', 'name']), detail);
    expect(split.fields).to.deep.equal({});
    expect(split.top).to.deep.equal([{ key: 'invalid', detail }]);
  });
});

describe('registry console: CSV files', function () {
  it('numbers rows by the line they end on, across quoted line breaks and blank lines, trimming cells', function () {
    const csv = parseCsv('id, name \na,"x\ny"\n\nb , z\r\nc,w,extra');
    expect(csv.columns).to.deep.equal(['id', 'name']);
    expect(csv.rows.map((r) => [r.line, r.values.id, r.values.name, r.extraCells])).to.deep.equal([
      [3, 'a', 'x\ny', 0],
      [5, 'b', 'z', 0],
      [6, 'c', 'w', 1],
    ]);
    expect(parseCsv('id,id\n1,2').duplicateColumn).to.equal('id');
  });

  it('reads UTF-8 with a byte-order mark, and GBK as Excel on Chinese Windows saves it', function () {
    const utf8 = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('name\n张三')]);
    expect(decodeText(utf8.buffer)).to.equal('name\n张三');
    const gbk = new Uint8Array([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xd5, 0xc5, 0xc8, 0xfd]);
    expect(decodeText(gbk.buffer)).to.equal('name\n张三');
  });

  it('writes results a spreadsheet opens as UTF-8, with formula-like cells defused', function () {
    const text = toCsv(['line', 'id', 'reason'], [[2, '=HYPERLINK("x")', 'a, b']]);
    expect(text.startsWith('\uFEFF')).to.equal(true);
    expect(text.slice(1).split('\r\n')).to.deep.equal(['line,id,reason', `2,"'=HYPERLINK(""x"")","a, b"`, '']);
  });
});
