import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { CERTIFICATE_STATUSES } from '../../../../chaincode/src/lifecycle';
import { Empty, ErrorNotice, Loading } from '../../components/state';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { CertificateRecord, CertificateType } from '../../lib/types';
import type { Problem } from './field-spec';
import { describe, Field } from './form-bits';
import { checkHolder, EMPTY_HOLDER, HolderFields, type HolderEntry } from './holder';
import { useTypes } from './types-context';
import { StatusBadge, titleIn, typeTitle } from './words';

/** Rows per page. */
const PAGE_SIZE = 20;

/** One page of certificates as the API lists them. */
interface CertPage {
  items: CertificateRecord[];
  nextCursor?: string;
}

/** The filters of the search that is shown (frozen when it ran, so paging keeps them). */
interface Query {
  holder?: { idType: string; idNumber: string };
  type?: string;
  status?: string;
}

/**
 * Finds certificates by holder (the ID number travels in the body of a POST,
 * never in a URL, which ends up in access logs) or by type and status.
 */
export function SearchPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const types = useTypes();
  const { query: params, route } = useLocation();
  const [holder, setHolder] = useState<HolderEntry>(EMPTY_HOLDER);
  const [type, setType] = useState(params.type ?? '');
  const [status, setStatus] = useState(params.status ?? '');
  const [errors, setErrors] = useState<Record<string, Problem>>({});
  const [query, setQuery] = useState<Query>();
  // Cursors of the pages seen so far: cursors[n] opens page n (page 0 has none).
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [result, setResult] = useState<{ page?: CertPage; error?: unknown; loading: boolean }>({ loading: false });
  const round = useRef(0);

  const load = async (q: Query, cursor: string | undefined) => {
    const mine = ++round.current;
    setResult((r) => ({ page: r.page, loading: true }));
    try {
      let page: CertPage;
      if (q.holder) {
        page = await api<CertPage>('POST', '/api/v1/certificates/search', {
          body: { holder: q.holder, type: q.type, status: q.status, limit: PAGE_SIZE, cursor },
        });
      } else {
        const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (q.type) params.set('type', q.type);
        if (q.status) params.set('status', q.status);
        if (cursor) params.set('cursor', cursor);
        page = await api<CertPage>('GET', `/api/v1/certificates?${params.toString()}`);
      }
      if (mine === round.current) setResult({ page, loading: false });
    } catch (error) {
      if (mine === round.current) setResult({ error, loading: false });
    }
  };

  const run = (q: Query) => {
    setQuery(q);
    setCursors([undefined]);
    setPageIndex(0);
    void load(q, undefined);
  };

  // A listing by type and status is kept in the address, so going back to it shows it again; a holder search never is.
  useEffect(() => {
    if (params.list === '1') run({ type: params.type || undefined, status: params.status || undefined });
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    const q: Query = { type: type || undefined, status: status || undefined };
    if (holder.idNumber.trim() !== '') {
      const h = checkHolder(holder, { nameRequired: false });
      setErrors(h.problems);
      if (h.idNumber === undefined) return;
      q.holder = { idType: holder.idType, idNumber: h.idNumber };
      route('/registry/search', true);
    } else {
      setErrors({});
      const address = new URLSearchParams({ list: '1' });
      if (q.type) address.set('type', q.type);
      if (q.status) address.set('status', q.status);
      route(`/registry/search?${address.toString()}`, true);
    }
    run(q);
  };

  const goTo = (index: number) => {
    if (!query) return;
    setPageIndex(index);
    void load(query, cursors[index]);
  };
  const next = () => {
    const cursor = result.page?.nextCursor;
    if (!query || cursor === undefined) return;
    setCursors((c) => [...c.slice(0, pageIndex + 1), cursor]);
    setPageIndex(pageIndex + 1);
    void load(query, cursor);
  };

  const typeItems: CertificateType[] = types.data ?? [];

  return (
    <section class="page">
      <h1>{t('registry.search.title')}</h1>
      <p class="lead">{t('registry.search.lead')}</p>
      <form class="card" noValidate onSubmit={submit} data-testid="search-form">
        <fieldset class="subfields">
          <legend>{t('registry.search.byHolder')}</legend>
          <p class="hint">{t('registry.search.byHolderHint')}</p>
          <HolderFields value={holder} errors={errors} withName={false} numberRequired={false} onChange={setHolder} testIdPrefix="search" />
        </fieldset>
        <div class="field-row">
          <Field fieldKey="search.type" label={t('registry.search.type')}>
            <select {...describe('search.type', {})} value={type} onChange={(e) => setType(e.currentTarget.value)} data-testid="search-type">
              <option value="">{t('registry.search.anyType')}</option>
              {typeItems.map((x) => (
                <option key={x.type} value={x.type}>
                  {titleIn(x.title, lang)}
                </option>
              ))}
            </select>
          </Field>
          <Field fieldKey="search.status" label={t('registry.search.status')}>
            <select {...describe('search.status', {})} value={status} onChange={(e) => setStatus(e.currentTarget.value)} data-testid="search-status">
              <option value="">{t('registry.search.anyStatus')}</option>
              {CERTIFICATE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`registry.status.${s}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div class="toolbar">
          <button type="submit" data-testid="search-submit">
            {t('action.search')}
          </button>
        </div>
      </form>

      {query && (
        <div class="search-results" aria-live="polite">
          {result.error !== undefined ? (
            <ErrorNotice error={result.error} onRetry={() => goTo(pageIndex)} />
          ) : result.loading && result.page === undefined ? (
            <Loading />
          ) : result.page && result.page.items.length === 0 ? (
            <Empty>{pageIndex === 0 ? t('registry.search.none') : t('registry.search.noMore')}</Empty>
          ) : (
            result.page && (
              <>
                <div class="table-wrap" tabIndex={0} role="region" aria-label={t('registry.search.results')}>
                  <table data-testid="search-results" aria-busy={result.loading ? 'true' : 'false'}>
                    <caption class="visually-hidden">{t('registry.search.results')}</caption>
                    <thead>
                      <tr>
                        <th>{t('registry.cert.id')}</th>
                        <th>{t('registry.cert.type')}</th>
                        <th>{t('registry.cert.status')}</th>
                        <th>{t('registry.cert.issuedAt')}</th>
                        <th>{t('registry.cert.validUntil')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {result.page.items.map((c) => (
                        <tr key={c.id} data-testid="search-row" data-id={c.id}>
                          <td class="mono">
                            <a href={`/registry/certificates/${encodeURIComponent(c.id)}`}>{c.id}</a>
                          </td>
                          <td>{typeTitle(types.data, c.type, lang)}</td>
                          <td>
                            <StatusBadge status={c.status} />
                            {c.validUntil !== undefined && Date.parse(c.validUntil) < Date.now() && (
                              <>
                                {' '}
                                <span class="badge badge-muted">{t('registry.status.expired')}</span>
                              </>
                            )}
                          </td>
                          <td>{i18n.dateTime(c.issuedAt)}</td>
                          <td>{c.validUntil ? i18n.date(c.validUntil) : t('registry.cert.noEnd')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <div class="toolbar pager">
                  <button type="button" class="secondary" disabled={pageIndex === 0 || result.loading} onClick={() => goTo(pageIndex - 1)} data-testid="search-prev">
                    {t('registry.search.prev')}
                  </button>
                  <span class="hint">{t('registry.search.page', { n: pageIndex + 1 })}</span>
                  <button type="button" class="secondary" disabled={result.page.nextCursor === undefined || result.loading} onClick={next} data-testid="search-next">
                    {t('action.next')}
                  </button>
                </div>
              </>
            )
          )}
        </div>
      )}
    </section>
  );
}
