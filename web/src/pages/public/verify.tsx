import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNotice, Loading, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import type { Verdict } from '../../lib/types';
import { loadIssuers, loadTypes } from './catalog';
import { decodePayload, readCredentialInput, type CredentialPayload } from './credential-data';
import { CredentialInputForm, type HolderCheck } from './credential-input';
import { UnreachableNotice, VerdictView } from './verdict-view';
import { verifyCredential } from './verify-call';
import './public.css';

type Outcome =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'done'; verdict: Verdict; payload?: CredentialPayload }
  | { state: 'unreachable'; retry: () => void }
  | { state: 'error'; error: unknown };

/**
 * `/verify`: anyone checks an e-certificate against the ledger, without
 * logging in. `/verify#vc=<JWS>` (what a credential's QR code opens) checks at
 * once; the fragment never reaches a server or its logs.
 *
 * When the ledger cannot be reached the page says the credential cannot be
 * checked now. It never turns an outage into "invalid": verifiers act on that
 * word, and a false "invalid" wrongs the holder.
 */
export default function VerifyPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { url, route } = useLocation();
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const round = useRef(0);
  const result = useRef<HTMLDivElement>(null);
  const types = useLoad((signal) => loadTypes(signal), []);
  const issuers = useLoad((signal) => loadIssuers(signal), []);

  const check = async (jws: string, holder?: HolderCheck) => {
    const mine = ++round.current;
    setOutcome({ state: 'checking' });
    try {
      const verdict = await verifyCredential(jws, { holder });
      if (mine !== round.current) return;
      setOutcome({ state: 'done', verdict, payload: decodePayload(jws) });
    } catch (error) {
      if (mine !== round.current) return;
      if (error instanceof ApiError && error.unreachable) setOutcome({ state: 'unreachable', retry: () => void check(jws, holder) });
      else setOutcome({ state: 'error', error });
    }
    result.current?.scrollIntoView({ block: 'nearest' });
  };

  // `url` changes when the app routes here again (a scanned `/verify#vc=` link), so the fragment is read each time.
  useEffect(() => {
    const input = readCredentialInput(location.href);
    if (input.kind === 'jws') {
      setText(input.jws);
      void check(input.jws);
    }
  }, [url]);
  useEffect(() => {
    const onHash = () => {
      const input = readCredentialInput(location.href);
      if (input.kind === 'jws') {
        setText(input.jws);
        void check(input.jws);
      }
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
    // Added once: `check` reads only a ref and state setters, so the first one stays right.
  }, []);

  return (
    <section class="page verify-page">
      <h1>{t('verify.title')}</h1>
      <p class="lead">{t('verify.lead')}</p>
      <CredentialInputForm
        text={text}
        onTextChange={setText}
        busy={outcome.state === 'checking'}
        holderCheck
        onInput={(input, holder) => {
          if (input.kind === 'jws') void check(input.jws, holder);
          // A short link's QR code: its own page checks the ledger record.
          else route(`/v/${encodeURIComponent(input.id)}#d=${input.digest}`);
        }}
      />
      <div class="verify-result" ref={result} aria-live="polite">
        {outcome.state === 'checking' && <Loading />}
        {outcome.state === 'unreachable' && (
          <UnreachableNotice onRetry={outcome.retry} />
        )}
        {outcome.state === 'error' && <ErrorNotice error={outcome.error} />}
        {outcome.state === 'done' && (
          <VerdictView verdict={outcome.verdict} kind="credential" payload={outcome.payload} types={types.data} issuers={issuers.data} />
        )}
      </div>
    </section>
  );
}
