import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../gateway/src/config';
import { loadDevKey, signDevToken } from '../../gateway/src/auth/dev-key';
import { CodedError } from '../../chaincode/src/errors';
import { IDENTIFIER_FORMATS, MAX_CACHED_SCHEMAS, MAX_LISTED_PROBLEMS, compileSchema, describeProblems, schemaErrors } from '../../chaincode/src/schema';
import {
  MAX_PATTERN_LENGTH,
  MAX_SCHEMA_BYTES,
  MAX_SCHEMA_DEPTH,
  MAX_SCHEMA_PROGRAM_SIZE,
  assertSchemaWithinLimits,
} from '../../chaincode/src/schema-limits';
import { tempDir } from '../support/gateway-harness';
import { client, type Call } from '../support/http';
import { startGatewayProcess, stopProcess, type GatewayProcess } from '../support/process';

/** The CodedError `run` throws; fails the test when it throws nothing or something else. */
function codedErrorOf(run: () => unknown): CodedError {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(CodedError);
    return err as CodedError;
  }
  expect.fail('expected a CodedError');
}

/** A schema whose objects nest `levels` deep, the schema itself being level 1. */
function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let level = 1; level < levels; level++) schema = { type: 'array', items: schema };
  return schema;
}

const running = new Set<Worker>();

/**
 * `schemaErrors` on a worker thread. A backtracking regex would hold the
 * thread it runs on; holding a worker instead leaves mocha free to fail the
 * test by its timeout rather than freeze.
 */
function schemaErrorsOffThread(schema: Record<string, unknown>, data: unknown): Promise<string[]> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { schemaErrors } = require(workerData.module);
    parentPort.postMessage(schemaErrors(workerData.schema, workerData.data));`;
  const worker = new Worker(source, { eval: true, workerData: { module: require.resolve('../../chaincode/src/schema'), schema, data } });
  running.add(worker);
  return new Promise<string[]>((resolve, reject) => {
    worker.once('message', (problems: string[]) => resolve(problems));
    worker.once('error', reject);
  }).finally(() => {
    running.delete(worker);
    void worker.terminate();
  });
}

const stringWith = (pattern: string): Record<string, unknown> => ({ type: 'string', pattern });

describe('certificate-type schemas', function () {
  afterEach(async function () {
    await Promise.all([...running].map((w) => w.terminate()));
    running.clear();
  });

  describe('problems', function () {
    const closed = { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false };

    it('names each extra field', function () {
      expect(schemaErrors(closed, { a: 1, b: 2 })).to.deep.equal(['(root) must NOT have additional properties: "b"']);
    });

    it('lists 20 problems at most, each cut short, and counts the rest', function () {
      const data: Record<string, number> = { a: 1 };
      for (let i = 0; i < 1000; i++) data[`${'f'.repeat(i === 0 ? 10_000 : 3)}${i}`] = i;
      const problems = schemaErrors(closed, data);
      expect(problems).to.have.length(1000);
      const line = describeProblems(problems);
      expect(line.split('; ')).to.have.length(MAX_LISTED_PROBLEMS + 1);
      expect(line).to.match(/; and 980 more$/);
      expect(line.length).to.be.below(4096);
      expect(line).to.include('…');
      expect(describeProblems(problems.slice(0, 2))).to.equal(`${problems[0].slice(0, 159)}…; ${problems[1]}`);
    });

    it('never cuts a character in two', function () {
      const line = describeProblems([`${'x'.repeat(158)}😀😀`]);
      expect(line).to.equal(`${'x'.repeat(158)}…`);
    });
  });

  describe('regular expressions', function () {
    it('answers a 5,000-character near miss of ^(a+)+$ with a pattern error instead of backtracking', async function () {
      this.timeout(5000);
      const problems = await schemaErrorsOffThread(stringWith('^(a+)+$'), `${'a'.repeat(5000)}b`);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/must match pattern/);
      expect(schemaErrors(stringWith('^(a+)+$'), 'a'.repeat(5000))).to.deep.equal([]);
    });

    it('matches and refuses with ordinary patterns', function () {
      const creditCode = stringWith('^[0-9A-HJ-NPQRTUWXY]{18}$');
      expect(schemaErrors(creditCode, '91110000MA01ABCD3X')).to.deep.equal([]);
      expect(schemaErrors(creditCode, '91110000MA01ABCD3I')).to.have.length(1);
      expect(schemaErrors(creditCode, '91110000MA01ABCD3')).to.have.length(1);
    });

    it('searches anywhere in the value unless the pattern is anchored', function () {
      expect(schemaErrors(stringWith('b'), 'abc')).to.deep.equal([]);
      expect(schemaErrors(stringWith('^b'), 'abc')).to.have.length(1);
      expect(schemaErrors(stringWith('b$'), 'abc')).to.have.length(1);
      expect(schemaErrors(stringWith('\\d{3}'), 'room 101, floor 1')).to.deep.equal([]);
    });

    it('matches Chinese text by code point', function () {
      const name = stringWith('^[\\u4e00-\\u9fa5]{2,4}$');
      expect(schemaErrors(name, '张三')).to.deep.equal([]);
      expect(schemaErrors(name, '欧阳娜娜')).to.deep.equal([]);
      expect(schemaErrors(name, '张')).to.have.length(1);
      expect(schemaErrors(name, '欧阳娜娜娜')).to.have.length(1);
      expect(schemaErrors(name, 'Zhang San')).to.have.length(1);
      // One astral character is one `.`, as with the `u` flag.
      expect(schemaErrors(stringWith('^.$'), '𠀀')).to.deep.equal([]);
    });

    it('keeps each pattern of a schema, and of separate schemas, to its own meaning', function () {
      const schema = { type: 'object', properties: { a: stringWith('^a$'), b: stringWith('^b$') } };
      expect(schemaErrors(schema, { a: 'a', b: 'b' })).to.deep.equal([]);
      expect(schemaErrors(schema, { a: 'b', b: 'a' })).to.deep.equal(['/a must match pattern "^a$"', '/b must match pattern "^b$"']);
      expect(schemaErrors(stringWith('^x$'), 'x')).to.deep.equal([]);
      expect(schemaErrors(stringWith('^y$'), 'x')).to.have.length(1);
    });

    it('runs patternProperties through the same engine', async function () {
      this.timeout(5000);
      const schema = { type: 'object', patternProperties: { '^x-(a+)+$': { type: 'integer' } } };
      const problems = await schemaErrorsOffThread(schema, { [`x-${'a'.repeat(5000)}b`]: 'not checked', 'x-aa': 'not an integer', 'x-a': 1 });
      expect(problems).to.deep.equal(['/x-aa must be integer']);
      const withBackreference = { type: 'object', patternProperties: { '^(x)\\1$': {} } };
      const err = codedErrorOf(() => compileSchema(withBackreference));
      expect(err.code).to.equal('VALIDATION_FAILED');
      expect(err.detail).to.contain('"^(x)\\\\1$"');
    });

    it('refuses a backreference pattern at compile with VALIDATION_FAILED naming the pattern', function () {
      const err = codedErrorOf(() => compileSchema(stringWith('^(ab)\\1$')));
      expect(err.code).to.equal('VALIDATION_FAILED');
      expect(err.detail).to.contain('"^(ab)\\\\1$"');
      expect(err.detail).to.match(/backreferences/);
    });

    it('refuses lookahead and lookbehind at compile', function () {
      for (const pattern of ['^(?=a)a', 'a(?!b)', '(?<=a)b', '(?<!a)b']) {
        expect(codedErrorOf(() => compileSchema(stringWith(pattern))).code, pattern).to.equal('VALIDATION_FAILED');
      }
    });

    it('refuses syntax that is not ECMA-262 even where RE2 would accept it', function () {
      const err = codedErrorOf(() => compileSchema(stringWith('\\Aabc\\z')));
      expect(err.code).to.equal('VALIDATION_FAILED');
      expect(err.detail).to.match(/ECMA-262/);
    });

    it(`refuses a pattern longer than ${MAX_PATTERN_LENGTH} characters`, function () {
      expect(() => compileSchema(stringWith('a'.repeat(MAX_PATTERN_LENGTH)))).to.not.throw();
      const err = codedErrorOf(() => compileSchema(stringWith('b'.repeat(MAX_PATTERN_LENGTH + 1))));
      expect(err.code).to.equal('VALIDATION_FAILED');
      expect(err.detail).to.contain(`at most ${MAX_PATTERN_LENGTH}`);
    });

    it('refuses a short pattern that expands to a very large program', function () {
      const err = codedErrorOf(() => compileSchema(stringWith('.{0,1000}\\d'.repeat(4))));
      expect(err.code).to.equal('VALIDATION_FAILED');
      expect(err.detail).to.match(/instructions/);
    });

    it('refuses a schema whose patterns together compile to too large a program', function () {
      const properties: Record<string, unknown> = {};
      for (let i = 0; i < 20; i++) properties[`p${i}`] = stringWith(`^[a-z]{1,999}${i}$`);
      const err = codedErrorOf(() => compileSchema({ type: 'object', properties }));
      expect(err.code).to.equal('VALIDATION_FAILED');
      expect(err.detail).to.contain(`more than ${MAX_SCHEMA_PROGRAM_SIZE} instructions`);
    });

    it('refuses, rather than runs, a check of a very long value against an expensive pattern', async function () {
      this.timeout(5000);
      const refused = await schemaErrorsOffThread(stringWith('[01]*1[01]{900}[23]'), '01'.repeat(100_000)).then(
        () => expect.fail('expected the check to be refused'),
        (err: Error) => err,
      );
      // The CodedError crossed a thread boundary, so only its message is left.
      expect(refused.message).to.match(/^VALIDATION_FAILED: .*too long to check/);
      // The same value is fine against a cheap pattern.
      expect(schemaErrors(stringWith('^[01]+$'), '01'.repeat(100_000))).to.deep.equal([]);
    });
  });

  describe('size and depth', function () {
    it(`refuses a schema larger than ${MAX_SCHEMA_BYTES} bytes of canonical JSON`, function () {
      const big = { type: 'string', enum: Array.from({ length: 2000 }, (_, i) => `value-${String(i).padStart(8, '0')}`) };
      const err = codedErrorOf(() => compileSchema(big));
      expect(err.code).to.equal('VALIDATION_FAILED');
      expect(err.detail).to.contain(`at most ${MAX_SCHEMA_BYTES}`);
    });

    it('counts size in UTF-8 bytes', function () {
      // 12,000 three-byte characters: 36,000 bytes, though only 12,000 UTF-16 code units.
      const err = codedErrorOf(() => assertSchemaWithinLimits({ description: '证'.repeat(12_000) }));
      expect(err.code).to.equal('VALIDATION_FAILED');
    });

    it(`accepts ${MAX_SCHEMA_DEPTH} levels of nesting and refuses ${MAX_SCHEMA_DEPTH + 1}`, function () {
      expect(schemaErrors(nested(MAX_SCHEMA_DEPTH), 'x')).to.have.length(1);
      const err = codedErrorOf(() => compileSchema(nested(MAX_SCHEMA_DEPTH + 1)));
      expect(err.code).to.equal('VALIDATION_FAILED');
      expect(err.detail).to.contain(`${MAX_SCHEMA_DEPTH} levels`);
    });

    it('refuses a schema nested far too deep to serialise recursively, without overflowing the stack', function () {
      const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`) as unknown[];
      const err = codedErrorOf(() => compileSchema({ enum: deep }));
      expect(err.code).to.equal('VALIDATION_FAILED');
    });

    it('refuses a schema that is not valid JSON Schema with VALIDATION_FAILED', function () {
      const err = codedErrorOf(() => compileSchema({ type: 'no-such-type' }));
      expect(err.code).to.equal('VALIDATION_FAILED');
    });
  });

  describe('formats and the compile cache', function () {
    it('still checks ajv-formats formats such as date and email', function () {
      const date = { type: 'string', format: 'date' };
      expect(schemaErrors(date, '2024-02-29')).to.deep.equal([]);
      expect(schemaErrors(date, '2023-02-29')).to.deep.equal(['(root) must match format "date"']);
      expect(schemaErrors({ type: 'string', format: 'email' }, 'not an email')).to.have.length(1);
    });

    it('checks credit codes and resident ID numbers by their check characters, as the chaincode does elsewhere', function () {
      const code = { type: 'string', format: IDENTIFIER_FORMATS.creditCode };
      expect(schemaErrors(code, '53100000500021676K')).to.deep.equal([]);
      expect(schemaErrors(code, '53100000500021676Q')).to.have.length(1);
      const id = { type: 'string', format: IDENTIFIER_FORMATS.residentId };
      expect(schemaErrors(id, '11010519491231002X')).to.deep.equal([]);
      expect(schemaErrors(id, '110105194912310021')).to.have.length(1);
    });

    it('keeps two types that use the same $id apart', function () {
      expect(schemaErrors({ $id: 'urn:civic:test:same', type: 'string' }, 'x')).to.deep.equal([]);
      expect(schemaErrors({ $id: 'urn:civic:test:same', type: 'integer' }, 1)).to.deep.equal([]);
    });

    it(`keeps validating after more than ${MAX_CACHED_SCHEMAS} distinct schemas`, function () {
      this.timeout(30_000);
      const first = { type: 'string', pattern: '^first$', $id: 'urn:civic:test:first' };
      expect(schemaErrors(first, 'first')).to.deep.equal([]);
      for (let i = 0; i <= MAX_CACHED_SCHEMAS; i++) compileSchema({ type: 'string', const: `v${i}` });
      // A copy (not the same object) must be compiled again, in a fresh cache, $id and all.
      const copy = JSON.parse(JSON.stringify(first)) as Record<string, unknown>;
      expect(schemaErrors(copy, 'first')).to.deep.equal([]);
      expect(schemaErrors(copy, 'second')).to.have.length(1);
    });
  });
});

describe('certificate-type schemas through the gateway [embedded]', function () {
  // The gateway runs as a child process so that, were a claim check ever to
  // backtrack again, it would freeze the gateway and not this test's timers.
  let gateway: GatewayProcess;
  let dataDir: string;
  let api: Call;
  let registrar: string;
  let issuer: string;

  before(async function () {
    dataDir = await tempDir('civic-schema-');
    const env = { CIVIC_DATA_DIR: dataDir, CIVIC_LEDGER: 'embedded' };
    gateway = await startGatewayProcess(dataDir, env);
    api = client(gateway.baseUrl);
    const { issuer: iss, audience } = loadConfig(env).auth;
    const key = await loadDevKey(dataDir);
    const token = (roles: string[], sub: string) => signDevToken(key, { sub, org: 'civil', roles }, { issuer: iss, audience, ttlSeconds: 600 });
    registrar = await token(['registrar'], 'r');
    issuer = await token(['issuer'], 'i');
  });
  after(async () => {
    if (gateway) await stopProcess(gateway.child, 'SIGKILL');
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  const holder = { idNumber: '11010519491231002X', name: '张三' };

  async function register(type: string, schema: Record<string, unknown>) {
    return api('POST', '/api/v1/certificate-types', { token: registrar, body: { type, title: 'Schema test', issuerMsps: ['CivilAffairsMSP'], schema } });
  }

  it('answers a near-miss claim for a ^(a+)+$ type with 400 promptly and stays healthy', async function () {
    this.timeout(5000);
    const type = `redos-${randomUUID().slice(0, 8)}`;
    const registered = await register(type, { type: 'object', required: ['code'], properties: { code: { type: 'string', pattern: '^(a+)+$' } } });
    expect(registered.status, registered.text).to.equal(201);

    const r = await api('POST', '/api/v1/certificates', { token: issuer, body: { type, holder, claims: { code: `${'a'.repeat(39)}b` } } });
    expect(r.status, r.text).to.equal(400);
    expect(r.body.code).to.equal('VALIDATION_FAILED');
    expect(r.body.detail).to.match(/must match pattern/);

    const health = await api('GET', '/healthz');
    expect(health.status).to.equal(200);
    const ok = await api('POST', '/api/v1/certificates', { token: issuer, body: { type, holder, claims: { code: 'a'.repeat(40) } } });
    expect(ok.status, ok.text).to.equal(201);
  });

  it('answers 400 to registering a schema with a backreference pattern', async function () {
    const type = `backref-${randomUUID().slice(0, 8)}`;
    const r = await register(type, { type: 'object', properties: { code: { type: 'string', pattern: '^(a)\\1$' } } });
    expect(r.status, r.text).to.equal(400);
    expect(r.body.code).to.equal('VALIDATION_FAILED');
    expect(r.body.detail).to.contain('^(a)\\\\1$');
    const listed = await api('GET', '/api/v1/certificate-types');
    expect(listed.body.items.map((t: { type: string }) => t.type)).to.not.include(type);
  });

  it('answers 400 to registering an over-deep schema', async function () {
    const r = await register(`deep-${randomUUID().slice(0, 8)}`, nested(MAX_SCHEMA_DEPTH + 1));
    expect(r.status, r.text).to.equal(400);
    expect(r.body.code).to.equal('VALIDATION_FAILED');
  });
});
