/**
 * Checks HTTP answers against an OpenAPI 3.1 document: each answer is matched
 * to its operation (method and path template) and status, and its body is
 * validated with Ajv against the response schema the document gives for its
 * media type. An answer the document does not describe is a failure.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { client, type Call, type Reply, type RequestOptions } from './http';

/** The parts of an OpenAPI document the checker reads. */
interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
}
interface Operation {
  responses?: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
}

/** Media types whose bodies are JSON and are validated against their schema. */
const isJson = (mediaType: string): boolean => mediaType === 'application/json' || /^application\/[\w.+-]*\+json$/.test(mediaType);

/** One path template, split into literal segments and parameters. */
interface Template {
  template: string;
  segments: string[];
  params: number;
}

const DOC_ID = 'openapi.json';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** JSON Pointer escaping of one reference token (RFC 6901). */
const escapeToken = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Ajv errors as one line each: `instancePath message (params)`. */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`).join('; ');
}

/** What {@link OpenApiChecker.check} looks at in one answer. */
export interface Answer {
  method: string;
  /** The request path, query included or not. */
  path: string;
  status: number;
  /** The Content-Type header, if any. */
  contentType: string | null;
  /** The raw body text. */
  text: string;
  /** The body parsed as JSON when it is JSON, else the text. */
  body: unknown;
}

/** Validates answers against one OpenAPI document. */
export class OpenApiChecker {
  readonly #doc: OpenApiDocument;
  readonly #ajv: Ajv2020;
  readonly #templates: Template[];
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(doc: OpenApiDocument) {
    this.#doc = doc;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.#ajv);
    this.#ajv.addSchema(doc as object, DOC_ID);
    // Literal segments win over parameters: `/certificates/search` before `/certificates/{id}`.
    this.#templates = Object.keys(doc.paths)
      .map((template) => {
        const segments = template.split('/');
        return { template, segments, params: segments.filter((s) => /^\{[^}]+\}$/.test(s)).length };
      })
      .sort((a, b) => a.params - b.params);
  }

  /** The path template a request path matches, or undefined. */
  matchPath(path: string): string | undefined {
    const bare = path.split(/[?#]/, 1)[0];
    const parts = bare.split('/');
    for (const t of this.#templates) {
      if (t.segments.length !== parts.length) continue;
      const fits = t.segments.every((seg, i) => (/^\{[^}]+\}$/.test(seg) ? parts[i] !== '' : seg === parts[i]));
      if (fits) return t.template;
    }
    return undefined;
  }

  /**
   * What is wrong with an answer by the document: an empty list when it
   * describes the answer, else one message per fault naming the operation
   * and status.
   */
  check(answer: Answer): string[] {
    const method = answer.method.toLowerCase();
    const template = this.matchPath(answer.path);
    if (!template) return [`${answer.method.toUpperCase()} ${answer.path} → ${answer.status}: no path of the document matches ${answer.path.split('?', 1)[0]}`];
    const op = `${answer.method.toUpperCase()} ${template}`;
    const item = this.#doc.paths[template];
    const operation = METHODS.has(method) ? item[method] : undefined;
    if (!operation) return [`${op} → ${answer.status}: the document has no ${answer.method.toUpperCase()} operation on ${template}`];
    const responses = operation.responses ?? {};
    const code = String(answer.status);
    const key = code in responses ? code : `${code[0]}XX` in responses ? `${code[0]}XX` : 'default' in responses ? 'default' : undefined;
    if (!key) return [`${op} → ${answer.status}: status ${answer.status} is not among the documented ones (${Object.keys(responses).join(', ')})`];
    const content = responses[key].content;
    if (!content) {
      return answer.text === '' ? [] : [`${op} → ${answer.status}: the document describes no body, the answer has ${answer.text.length} characters`];
    }
    const mediaType = (answer.contentType ?? '').split(';', 1)[0].trim().toLowerCase();
    if (!(mediaType in content)) {
      return [`${op} → ${answer.status}: media type '${mediaType}' is not among the documented ones (${Object.keys(content).join(', ')})`];
    }
    if (!isJson(mediaType) || content[mediaType].schema === undefined) return [];
    if (typeof answer.body === 'string' || answer.body === undefined) return [`${op} → ${answer.status}: the ${mediaType} body is not JSON`];
    const validate = this.#validator(template, method, key, mediaType);
    if (validate(answer.body)) return [];
    return [`${op} → ${answer.status}: the body does not match the response schema: ${formatAjvErrors(validate.errors)}`];
  }

  #validator(template: string, method: string, status: string, mediaType: string): ValidateFunction {
    const pointer = ['paths', template, method, 'responses', status, 'content', mediaType, 'schema'].map(escapeToken).join('/');
    const ref = `${DOC_ID}#/${pointer}`;
    let v = this.#validators.get(ref);
    if (!v) {
      v = this.#ajv.getSchema(ref);
      if (!v) throw new Error(`the document has no schema at ${pointer}`);
      this.#validators.set(ref, v);
    }
    return v;
  }
}

/** Per gateway: the checker of the document it serves, fetched once. */
const checkers = new Map<string, Promise<OpenApiChecker>>();

/** The checker of the document served at `baseUrl` (`GET /api/v1/openapi.json`), fetched once per gateway. */
export function servedChecker(baseUrl: string): Promise<OpenApiChecker> {
  let c = checkers.get(baseUrl);
  if (!c) {
    c = (async () => {
      const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
      if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
      return new OpenApiChecker((await res.json()) as OpenApiDocument);
    })();
    c.catch(() => checkers.delete(baseUrl));
    checkers.set(baseUrl, c);
  }
  return c;
}

/** Thrown when an answer does not match the served document. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/**
 * A {@link client} whose every answer is checked against the OpenAPI
 * document the gateway serves: an answer the document does not describe
 * throws a {@link ContractViolation} naming the operation, status and Ajv
 * errors, so the test making the call fails.
 */
export function contractClient(baseUrl: string): Call {
  const call = client(baseUrl);
  return async function checkedCall<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<Reply<T>> {
    const reply = await call<T>(method, path, opts);
    if (opts.offContract === undefined) {
      const faults = (await servedChecker(baseUrl)).check({ method, path, status: reply.status, contentType: reply.headers.get('content-type'), text: reply.text, body: reply.body });
      if (faults.length > 0) throw new ContractViolation(`answer not described by the OpenAPI document:\n  ${faults.join('\n  ')}\n  body: ${reply.text.slice(0, 500)}`);
    }
    return reply;
  };
}

