import { useState } from 'preact/hooks';
import { isCreditCode, normaliseDocumentNumber } from '../../../../chaincode/src/identifiers';
import { isId } from '../../../../chaincode/src/validate';
import { Empty, ErrorNotice, errorText, Loading, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { ApiError, api } from '../../lib/api';
import type { Charity } from '../../lib/types';
import type { Problem } from './field-spec';
import { describe, Field, without } from './form-bits';
import { placeDetail, splitPlaced } from './server-errors';
import { problemText } from './words';

const PAGE_SIZE = 20;
const FORM_FIELDS = new Set(['id', 'name', 'creditCode', 'publicFundraising']);

/** Register a charity, and the charities registered so far. */
export function CharitiesPage() {
  const { t } = useI18n();
  const [round, setRound] = useState(0);
  return (
    <section class="page">
      <h1>{t('registry.charities.title')}</h1>
      <p class="lead">{t('registry.charities.lead')}</p>
      <CharityForm onRegistered={() => setRound((r) => r + 1)} />
      <h2>{t('registry.charities.list')}</h2>
      <CharityList key={round} />
    </section>
  );
}

function CharityForm(props: { onRegistered(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [creditCode, setCreditCode] = useState('');
  const [publicFundraising, setPublicFundraising] = useState(false);
  const [errors, setErrors] = useState<Record<string, Problem>>({});
  // Worded at render time, so a language switch rewords it.
  const [top, setTop] = useState<{ problems: Problem[] } | { error: unknown }>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();

  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: Record<string, Problem> = {};
    const code = normaliseDocumentNumber(creditCode);
    if (id.trim() === '') problems.id = { key: 'required' };
    else if (!isId(id.trim())) problems.id = { key: 'id' };
    if (name.trim() === '') problems.name = { key: 'required' };
    else if (name.length > 200) problems.name = { key: 'maxLength', values: { n: 200 } };
    if (code === '') problems.creditCode = { key: 'required' };
    else if (!isCreditCode(code)) problems.creditCode = { key: 'creditCode' };
    setErrors(problems);
    setTop(undefined);
    setDone(undefined);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const body = { id: id.trim(), name: name.trim(), creditCode: code, publicFundraising };
      await api('POST', '/api/v1/charities', { body });
      setDone(body.name);
      setId('');
      setName('');
      setCreditCode('');
      setPublicFundraising(false);
      props.onRegistered();
    } catch (err) {
      const placed: Record<string, Problem> = {};
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') {
        const split = splitPlaced(placeDetail(err.detail, ''), FORM_FIELDS, err.detail);
        Object.assign(placed, split.fields);
        if (split.top.length > 0) setTop({ problems: split.top });
      } else if (err instanceof ApiError && err.code === 'DUPLICATE_ID') placed.id = { key: 'duplicateCharity' };
      else if (err instanceof ApiError && err.code === 'PERSONAL_DATA_REFUSED' && err.detail.startsWith('name ')) placed.name = { key: 'personalData' };
      else setTop({ error: err });
      setErrors(placed);
    } finally {
      setBusy(false);
    }
  };

  const err = (k: string) => errors[k] && problemText(i18n, errors[k]);
  return (
    <form class="card" noValidate onSubmit={submit} data-testid="charity-form">
      <h2>{t('registry.charities.register')}</h2>
      {done && (
        <p class="notice" role="status" data-testid="charity-registered">
          {t('registry.charities.registered', { name: done })}
        </p>
      )}
      {top && (
        <p class="form-error" role="alert" data-testid="form-error">
          {'problems' in top ? top.problems.map((p) => problemText(i18n, p)).join(' ') : errorText(i18n, top.error)}
        </p>
      )}
      <div class="field-row">
        <Field fieldKey="name" label={t('registry.charities.name')} required error={err('name')}>
          <input {...describe('name', { error: !!errors.name })} type="text" autoComplete="organization" maxLength={200} value={name} onInput={(e) => {
            setErrors((x) => without(x, 'name'));
            setName(e.currentTarget.value);
          }} data-testid="charity-name" />
        </Field>
        <Field fieldKey="id" label={t('registry.charities.id')} required hint={t('registry.charities.idHint')} error={err('id')}>
          <input {...describe('id', { hint: true, error: !!errors.id })} type="text" autoComplete="off" spellcheck={false} value={id} onInput={(e) => {
            setErrors((x) => without(x, 'id'));
            setId(e.currentTarget.value);
          }} data-testid="charity-id" />
        </Field>
        <Field fieldKey="creditCode" label={t('registry.charities.creditCode')} required hint={t('registry.hint.creditCode')} error={err('creditCode')}>
          <input
            {...describe('creditCode', { hint: true, error: !!errors.creditCode })}
            type="text"
            autoComplete="off"
            spellcheck={false}
            value={creditCode}
            onInput={(e) => {
            setErrors((x) => without(x, 'creditCode'));
            setCreditCode(e.currentTarget.value);
          }}
            data-testid="charity-credit-code"
          />
        </Field>
      </div>
      <div class="field">
        <label class="check">
          <input type="checkbox" checked={publicFundraising} onChange={(e) => setPublicFundraising(e.currentTarget.checked)} data-testid="charity-public" />
          {t('registry.charities.publicFundraising')}
        </label>
        <span class="hint">{t('registry.charities.publicHint')}</span>
      </div>
      <div class="toolbar">
        <button type="submit" disabled={busy} data-testid="charity-submit">
          {t('registry.charities.submit')}
        </button>
      </div>
    </form>
  );
}

interface CharityPage {
  items: Charity[];
  nextCursor?: string;
}

/** The registered charities, a page at a time (remounted after a registration, back to the first page). */
function CharityList() {
  const i18n = useI18n();
  const { t } = i18n;
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [index, setIndex] = useState(0);
  const cursor = cursors[index];
  const loaded = useLoad((signal) => {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (cursor) params.set('cursor', cursor);
    return api<CharityPage>('GET', `/api/v1/charities?${params.toString()}`, { signal });
  }, [cursor]);

  if (loaded.error !== undefined) return <ErrorNotice error={loaded.error} onRetry={loaded.reload} />;
  if (loaded.data === undefined) return <Loading />;
  const page = loaded.data;
  if (page.items.length === 0 && index === 0) return <Empty>{t('registry.charities.none')}</Empty>;
  return (
    <>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('registry.charities.list')}>
        <table data-testid="charity-list" aria-busy={loaded.loading ? 'true' : 'false'}>
          <caption class="visually-hidden">{t('registry.charities.list')}</caption>
          <thead>
            <tr>
              <th>{t('registry.charities.name')}</th>
              <th>{t('registry.charities.id')}</th>
              <th>{t('registry.charities.creditCode')}</th>
              <th>{t('registry.charities.publicShort')}</th>
              <th>{t('registry.charities.registeredAt')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((c) => (
              <tr key={c.id} data-testid="charity-row" data-id={c.id}>
                <td>{c.name}</td>
                <td class="mono">{c.id}</td>
                <td class="mono">{c.creditCode}</td>
                <td>{c.publicFundraising ? t('registry.yes') : t('registry.no')}</td>
                <td>{i18n.dateTime(c.registeredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="toolbar pager">
        <button type="button" class="secondary" disabled={index === 0 || loaded.loading} onClick={() => setIndex(index - 1)}>
          {t('registry.search.prev')}
        </button>
        <span class="hint">{t('registry.search.page', { n: index + 1 })}</span>
        <button
          type="button"
          class="secondary"
          disabled={page.nextCursor === undefined || loaded.loading}
          onClick={() => {
            setCursors((c) => [...c.slice(0, index + 1), page.nextCursor]);
            setIndex(index + 1);
          }}
        >
          {t('action.next')}
        </button>
      </div>
    </>
  );
}
