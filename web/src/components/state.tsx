import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { useI18n, type I18n } from '../i18n';

/** The plain-words message for an error: the code's text, then the gateway's detail when it adds something. */
export function errorText(i18n: I18n, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    const plain = i18n.has(key) ? i18n.t(key) : i18n.t('error.unknown');
    if (error.unreachable) return i18n.t('state.unreachable');
    return error.detail && error.code !== 'NETWORK' ? `${plain}（${error.detail}）` : plain;
  }
  return i18n.t('error.unknown');
}

/** A spinner line; `role=status` so screen readers announce it. */
export function Loading() {
  const { t } = useI18n();
  return (
    <p class="state state-loading" role="status" data-testid="loading">
      <span class="spinner" aria-hidden="true" />
      {t('state.loading')}
    </p>
  );
}

export function Empty(props: { children?: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <p class="state state-empty" data-testid="empty">
      {props.children ?? t('state.empty')}
    </p>
  );
}

/** An error in plain words; "ledger unreachable" looks different from "something is wrong". */
export function ErrorNotice(props: { error: unknown; onRetry?: () => void }) {
  const i18n = useI18n();
  const unreachable = props.error instanceof ApiError && props.error.unreachable;
  return (
    <div class={`state ${unreachable ? 'state-unreachable' : 'state-error'}`} role="alert" data-testid={unreachable ? 'unreachable' : 'error'}>
      <p>{errorText(i18n, props.error)}</p>
      {props.onRetry && (
        <button type="button" class="secondary" onClick={props.onRetry}>
          {i18n.t('state.retry')}
        </button>
      )}
    </div>
  );
}

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; the result carries every state a page must show. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false }),
      (error: unknown) => !controller.signal.aborted && setState({ error, loading: false }),
    );
    return () => controller.abort();
    // The caller's `deps`, not `load` (a new closure every render), say when to load again.
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/** Shows loading, error or the content of a load, so no page forgets a state. */
export function Show<T>(props: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { data, error, loading, reload } = props.loaded;
  if (error !== undefined) return <ErrorNotice error={error} onRetry={reload} />;
  if (loading && data === undefined) return <Loading />;
  if (data === undefined) return <Loading />;
  return <>{props.children(data)}</>;
}
