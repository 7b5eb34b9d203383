import { useLocation, useRoute } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Loading, useLoad } from '../../components/state';
import { useI18n } from '../../i18n';
import { api, ApiError } from '../../lib/api';
import type { Verdict } from '../../lib/types';
import { loadIssuers, loadTypes } from './catalog';
import { sha256Hex } from '../../lib/hash';
import { CredentialInputForm } from './credential-input';
import { UnreachableNotice, VerdictView } from './verdict-view';
import './public.css';

/** The digest in the fragment (`#d=<64 hex>`), lowercased; undefined when missing or malformed. */
function digestFromHash(): string | undefined {
  const d = new URLSearchParams(location.hash.replace(/^#/, '')).get('d')?.trim().toLowerCase();
  return d !== undefined && /^[0-9a-f]{64}$/.test(d) ? d : undefined;
}

/**
 * `/v/<id>#d=<digest>`: what a credential's QR code opens when the whole
 * credential is too long for a readable code. The ledger record for that id
 * and digest is checked (anchor, issuer, status, validity); the claims are
 * only in the credential itself, so the page offers to take it.
 */
export default function ShortLinkPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { params } = useRoute();
  const { url, route } = useLocation();
  const id = params.id ?? '';
  const [digest, setDigest] = useState<string | undefined>(digestFromHash);
  const [text, setText] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const types = useLoad((signal) => loadTypes(signal), []);
  const issuers = useLoad((signal) => loadIssuers(signal), []);

  useEffect(() => {
    const update = () => setDigest(digestFromHash());
    update();
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, [url]);

  const verdict = useLoad(
    async (signal) =>
      digest === undefined
        ? undefined
        : api<Verdict>('POST', '/api/v1/verify/reference', { body: { id, digest }, auth: false, signal }),
    [id, digest],
  );
  const unreachable = verdict.error instanceof ApiError && verdict.error.unreachable;

  return (
    <section class="page verify-page">
      <h1>{t('verify.short.title')}</h1>
      <p class="lead">{t('verify.short.lead')}</p>
      <div aria-live="polite">
        {digest === undefined ? (
          <p class="state state-error" role="alert" data-testid="short-incomplete">
            {t('verify.short.incomplete')}
          </p>
        ) : unreachable ? (
          <UnreachableNotice onRetry={verdict.reload} />
        ) : verdict.error !== undefined ? (
          <ErrorNotice error={verdict.error} onRetry={verdict.reload} />
        ) : verdict.loading || verdict.data === undefined ? (
          <Loading />
        ) : (
          <VerdictView verdict={verdict.data} kind="reference" types={types.data} issuers={issuers.data}>
            <p class="state state-info" data-testid="claims-need-credential">
              {t('verify.short.claimsNeedCredential')}
            </p>
          </VerdictView>
        )}
      </div>
      <h2>{t('verify.short.fullTitle')}</h2>
      <p>{t('verify.short.fullHint')}</p>
      {mismatch && (
        <p class="form-error" role="alert" data-testid="short-mismatch">
          {t('verify.short.mismatch')}
        </p>
      )}
      <CredentialInputForm
        text={text}
        onTextChange={setText}
        onInput={(input) => {
          if (input.kind === 'reference') {
            route(`/v/${encodeURIComponent(input.id)}#d=${input.digest}`);
            return;
          }
          // The full credential must be the one this link names; otherwise the reader would be checking another certificate unawares.
          void sha256Hex(input.jws).then((d) => {
            if (digest !== undefined && d !== digest) {
              setMismatch(true);
              return;
            }
            setMismatch(false);
            route(`/verify#vc=${input.jws}`);
          });
        }}
      />
    </section>
  );
}
