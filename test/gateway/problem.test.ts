import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorHandler } from '../../gateway/src/api/problem';
import { client, type Call } from '../support/http';

/** An error shaped like the ones http-errors, body-parser and the router raise. */
function httpError(message: string, fields: { status?: number; statusCode?: number; expose?: boolean; type?: string }): Error {
  return Object.assign(new Error(message), fields);
}

describe('errorHandler', function () {
  let server: Server;
  let api: Call;
  const logged: string[] = [];

  before(async function () {
    const app = express();
    const errors = new Map<string, () => unknown>(Object.entries({
      'status-400': () => httpError('bad thing', { status: 400, expose: true }),
      'statusCode-400': () => httpError('bad thing', { statusCode: 400 }),
      'status-405-hidden': () => httpError('secret internals', { status: 405 }),
      'status-415': () => httpError('unsupported charset "LATIN1"', { status: 415, expose: true, type: 'charset.unsupported' }),
      'status-413': () => httpError('too many parameters', { status: 413, expose: true, type: 'parameters.too.many' }),
      'uri-error': () => Object.assign(new URIError("Failed to decode param '%ZZ'"), { status: 400 }),
      'status-500': () => httpError('stream is not readable', { status: 500, type: 'stream.not.readable' }),
      'status-string': () => httpError('odd', { status: '400' as unknown as number }),
      'plain': () => new Error('boom'),
      'non-error': () => 'a string',
    }));
    app.get('/throw/:kind', (req, _res, next) => next(errors.get(req.params.kind)?.() ?? new Error('no such case')));
    app.use(errorHandler((msg) => logged.push(msg)));
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    api = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  after(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('maps any framework error with a 4xx status or statusCode to a 4xx problem, without logging it', async function () {
    const cases: Array<[kind: string, status: number, code: string, detail: RegExp]> = [
      ['status-400', 400, 'VALIDATION_FAILED', /^bad thing$/],
      ['statusCode-400', 400, 'VALIDATION_FAILED', /HTTP 400/],
      ['status-405-hidden', 400, 'VALIDATION_FAILED', /HTTP 405/],
      ['status-415', 415, 'UNSUPPORTED_MEDIA_TYPE', /LATIN1/],
      ['status-413', 413, 'PAYLOAD_TOO_LARGE', /too many/],
      ['uri-error', 400, 'VALIDATION_FAILED', /percent-encoding.*%ZZ/],
    ];
    logged.length = 0;
    for (const [kind, status, code, detail] of cases) {
      const r = await api('GET', `/throw/${kind}`);
      expect(r.status, kind).to.equal(status);
      expect(r.headers.get('content-type'), kind).to.match(/^application\/problem\+json/);
      expect(r.body.code, kind).to.equal(code);
      expect(r.body.detail, kind).to.match(detail);
      expect(r.body.detail, kind).to.not.include('secret');
    }
    expect(logged).to.deep.equal([]);
  });

  it('still answers server-side failures with a logged 500', async function () {
    for (const kind of ['status-500', 'status-string', 'plain', 'non-error']) {
      logged.length = 0;
      const r = await api('GET', `/throw/${kind}`);
      expect(r.status, kind).to.equal(500);
      expect(r.body.code, kind).to.equal('INTERNAL');
      expect(logged, kind).to.have.length(1);
    }
  });
});
