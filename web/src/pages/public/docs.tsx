import { Show, useLoad } from '../../components/state';
import { useI18n, type I18n } from '../../i18n';
import { api } from '../../lib/api';
import './public.css';

/** The parts of an OpenAPI 3.1 document this page renders. */
type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface OpenApi {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Entry {
  method: string;
  path: string;
  op: Operation;
}

/** Where a parameter goes (path, query, header) in plain words. */
function inWord(i18n: I18n, where: string): string {
  const key = `docs.in.${where}`;
  return i18n.has(key) ? i18n.t(key) : where;
}

/** The group of an operation: its first tag, else the first segment after /api/v1 (`/api/v1/audit/...` → audit). */
function groupOf(path: string, op: Operation): string {
  if (op.tags?.[0]) return op.tags[0];
  const m = /^\/api\/v1\/([^/{]+)/.exec(path);
  return m ? m[1] : 'service';
}

function refName(schema: Schema | undefined): string | undefined {
  const ref = schema?.$ref;
  return typeof ref === 'string' ? ref.replace('#/components/schemas/', '') : undefined;
}

/** A schema in a few words: `string (date-time)`, `array of Charity`, `"a" | "b"`. */
function schemaLabel(schema: Schema | undefined): string {
  if (schema === undefined) return '';
  const ref = refName(schema);
  if (ref !== undefined) return ref;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : typeof schema.type === 'string' ? schema.type : '';
  if (type === 'array') return `array<${schemaLabel(schema.items as Schema | undefined) || 'any'}>`;
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : '';
  return `${type || 'any'}${format}`;
}

/** The object schema behind a `$ref`, for listing its properties. */
function resolve(doc: OpenApi, schema: Schema | undefined): Schema | undefined {
  const ref = refName(schema);
  return ref !== undefined ? doc.components?.schemas?.[ref] : schema;
}

/** An object schema's properties as a table: name, type, required, description. */
function SchemaTable(props: { doc: OpenApi; schema: Schema | undefined }) {
  const { t } = useI18n();
  const schema = resolve(props.doc, props.schema);
  const properties = schema?.properties as Record<string, Schema> | undefined;
  if (properties === undefined || Object.keys(properties).length === 0) {
    return <p class="mono">{schemaLabel(props.schema)}</p>;
  }
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  return (
    // Focusable, so a keyboard user can scroll a wide table sideways.
    <div class="table-wrap" tabIndex={0} role="region" aria-label={t('docs.body')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('docs.field')}</th>
            <th scope="col">{t('docs.type')}</th>
            <th scope="col">{t('docs.required')}</th>
            <th scope="col">{t('docs.description')}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(properties).map(([name, p]) => (
            <tr key={name}>
              <td class="mono">{name}</td>
              <td class="mono">{schemaLabel(p)}</td>
              <td>{required.has(name) ? t('docs.yes') : ''}</td>
              <td>{typeof p.description === 'string' ? p.description : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OperationCard(props: { doc: OpenApi; entry: Entry }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { method, path, op } = props.entry;
  const isPublic = op.security === undefined || op.security.length === 0;
  const body = op.requestBody?.content && Object.values(op.requestBody.content)[0]?.schema;
  return (
    <article class="card api-op" data-testid="api-operation">
      <h3 class="api-op-title">
        <span class={`method method-${method}`}>{method.toUpperCase()}</span> <span class="mono">{path}</span>
      </h3>
      {op.summary && <p class="api-summary">{op.summary}</p>}
      {op.description && <p class="hint">{op.description}</p>}
      <p>
        <span class={`badge ${isPublic ? 'badge-ok' : 'badge-muted'}`}>{t(isPublic ? 'docs.public' : 'docs.secured')}</span>
      </p>
      {op.parameters !== undefined && op.parameters.length > 0 && (
        <>
          <h4>{t('docs.parameters')}</h4>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('docs.parameters')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('docs.name')}</th>
                  <th scope="col">{t('docs.in')}</th>
                  <th scope="col">{t('docs.type')}</th>
                  <th scope="col">{t('docs.required')}</th>
                  <th scope="col">{t('docs.description')}</th>
                </tr>
              </thead>
              <tbody>
                {op.parameters.map((p) => (
                  <tr key={`${p.in}:${p.name}`}>
                    <td class="mono">{p.name}</td>
                    <td>{inWord(i18n, p.in)}</td>
                    <td class="mono">{schemaLabel(p.schema)}</td>
                    <td>{p.required ? t('docs.yes') : ''}</td>
                    <td>{p.description ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {body !== undefined && (
        <>
          <h4>{t('docs.body')}</h4>
          <SchemaTable doc={props.doc} schema={body} />
        </>
      )}
      {op.responses !== undefined && (
        <>
          <h4>{t('docs.responses')}</h4>
          <ul class="api-responses">
            {Object.entries(op.responses).map(([code, r]) => {
              const schema = r.content && Object.values(r.content)[0]?.schema;
              return (
                <li key={code}>
                  <span class={`badge ${code.startsWith('2') ? 'badge-ok' : code.startsWith('3') ? 'badge-muted' : 'badge-bad'}`}>{code}</span> {r.description ?? ''}
                  {schema !== undefined && <span class="mono"> — {schemaLabel(schema)}</span>}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </article>
  );
}

/** `/docs`: the API reference, rendered from the gateway's own OpenAPI document (no external renderer, nothing from another origin). */
export default function DocsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const loaded = useLoad((signal) => api<OpenApi>('GET', '/api/v1/openapi.json', { auth: false, signal }), []);
  return (
    <section class="page docs-page">
      <h1>{t('docs.title')}</h1>
      <p class="lead">{t('docs.lead')}</p>
      <Show loaded={loaded}>
        {(doc) => {
          const groups = new Map<string, Entry[]>();
          for (const [path, item] of Object.entries(doc.paths ?? {})) {
            for (const method of METHODS) {
              const op = item[method];
              if (op === undefined) continue;
              const group = groupOf(path, op);
              groups.set(group, [...(groups.get(group) ?? []), { method, path, op }]);
            }
          }
          const label = (g: string) => {
            const key = `docs.group.${g}`;
            return i18n.has(key) ? t(key) : g;
          };
          return (
            <>
              <p class="hint">
                {doc.info?.title} · {t('docs.version', { v: doc.info?.version ?? '' })} ·{' '}
                <a href="/api/v1/openapi.json" target="_blank" rel="noopener" data-testid="openapi-link">
                  openapi.json
                </a>
              </p>
              {doc.info?.description && <p>{doc.info.description}</p>}
              <nav class="card docs-toc" aria-label={t('docs.toc')}>
                <ul>
                  {[...groups.keys()].map((g) => (
                    <li key={g}>
                      <a href={`#api-${g}`}>{label(g)}</a> <span class="hint">({groups.get(g)?.length})</span>
                    </li>
                  ))}
                </ul>
              </nav>
              {[...groups.entries()].map(([g, entries]) => (
                <section key={g} id={`api-${g}`} class="api-group" data-testid="api-group">
                  <h2>
                    {label(g)} <span class="hint mono">{g}</span>
                  </h2>
                  {entries.map((entry) => (
                    <OperationCard key={`${entry.method} ${entry.path}`} doc={doc} entry={entry} />
                  ))}
                </section>
              ))}
            </>
          );
        }}
      </Show>
    </section>
  );
}
