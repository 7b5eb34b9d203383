import { useLocation } from 'preact-iso';
import { toDataURL } from 'qrcode';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ErrorNotice, Loading, useLoad, type Loaded } from '../../components/state';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import type { CertificateType, Verdict } from '../../lib/types';
import { baseUrlOf, loadIssuers, loadPortalInfo, loadTypes, type IssuerSummary, type PortalInfo } from './catalog';
import { ClaimList } from './claims';
import { certIdOf, claimsOf, decodePayload, holderOf, issuerNameOf, readCredentialInput, titleIn, type CredentialPayload } from './credential-data';
import { QR_LEVEL, qrLinkFor } from './qr-link';
import { UnreachableNotice, VerdictView } from './verdict-view';
import { verifyCredential } from './verify-call';
import './public.css';

/**
 * Pixels a side of the QR image: enough for a sharp print at 50 mm (about
 * 500 dpi); the screen shows it smaller with `image-rendering: pixelated`.
 */
const QR_PIXELS = 1000;

/** The credential in `#vc=`, or undefined. */
function jwsFromHash(): string | undefined {
  const input = readCredentialInput(location.href);
  return input.kind === 'jws' ? input.jws : undefined;
}

/** The QR code of a credential, as an image whose `data-url` is the URL it encodes. */
function CredentialQr(props: { jws: string; baseUrl: string | undefined }) {
  const { t } = useI18n();
  const [qr, setQr] = useState<{ url: string; image: string } | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const base = props.baseUrl;
    if (base === undefined) return;
    let live = true;
    void (async () => {
      try {
        const url = await qrLinkFor(props.jws, base);
        const image = await toDataURL(url, { errorCorrectionLevel: QR_LEVEL, margin: 4, width: QR_PIXELS, color: { dark: '#000000', light: '#ffffff' } });
        if (live) setQr({ url, image });
      } catch {
        if (live) setFailed(true);
      }
    })();
    return () => {
      live = false;
    };
  }, [props.jws, props.baseUrl]);
  if (failed) return <p class="state state-error">{t('credential.qrFailed')}</p>;
  if (qr === undefined) return <div class="qr-placeholder" aria-hidden="true" />;
  return <img class="qr" src={qr.image} alt={t('credential.qrAlt')} data-testid="credential-qr" data-url={qr.url} width={200} height={200} />;
}

/** The ledger's verdict on one credential: kept with the JWS it is about, so a verdict is never shown for another. */
interface Checked {
  jws: string;
  verdict: Verdict;
}

/**
 * `/credential#vc=<JWS>`: the holder's view of an e-certificate, laid out as
 * the paper document it replaces, with a QR code a verifier scans, the `.jwt`
 * to download and an A4 print layout.
 *
 * The fragment is whatever the link's author put there, so nothing of it is
 * shown as a certificate until the ledger vouches for it (`POST
 * /api/v1/verify`, as /verify asks): while the check runs the page says so;
 * a credential that fails any check gets the verdict and "verification
 * failed" instead of the document; an unreachable ledger gets "cannot be
 * checked now". Only a valid verdict shows the document, its QR code, print
 * and download. The fragment goes nowhere but that check.
 */
export default function CredentialPage() {
  const { t } = useI18n();
  const { url, route } = useLocation();
  const [jws, setJws] = useState<string | undefined>(jwsFromHash);
  const [text, setText] = useState('');
  useEffect(() => {
    const update = () => setJws(jwsFromHash());
    update();
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, [url]);

  const types = useLoad((signal) => loadTypes(signal), []);
  const issuers = useLoad((signal) => loadIssuers(signal), []);
  const portal = useLoad((signal) => loadPortalInfo(signal), []);
  const payload = useMemo(() => (jws === undefined ? undefined : decodePayload(jws)), [jws]);
  const readable = jws !== undefined && payload !== undefined;
  const check = useLoad<Checked | undefined>(
    async (signal) => (jws === undefined || !readable ? undefined : { jws, verdict: await verifyCredential(jws, { signal }) }),
    [jws, readable],
  );

  if (jws === undefined || payload === undefined) {
    return (
      <section class="page credential-page">
        <h1>{t('credential.title')}</h1>
        {jws !== undefined && (
          <p class="state state-error" role="alert" data-testid="credential-unreadable">
            {t('credential.unreadable')}
          </p>
        )}
        <p>{t('credential.none')}</p>
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            const input = readCredentialInput(text);
            if (input.kind === 'jws') route(`/credential#vc=${input.jws}`);
          }}
        >
          <div class="field">
            <label for="credential-input">{t('credential.pasteLabel')}</label>
            <textarea id="credential-input" value={text} spellcheck={false} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
          </div>
          <div class="toolbar">
            <button type="submit">{t('credential.show')}</button>
          </div>
        </form>
      </section>
    );
  }

  return <CheckedCredential jws={jws} payload={payload} check={check} types={types.data} issuers={issuers.data} portal={portal} />;
}

/** What the page shows for a readable credential, by the state of the ledger's check. */
function CheckedCredential(props: {
  jws: string;
  payload: CredentialPayload;
  check: Loaded<Checked | undefined>;
  types?: CertificateType[];
  issuers?: IssuerSummary[];
  portal: Loaded<PortalInfo>;
}) {
  const { t } = useI18n();
  const { jws, check } = props;
  const verdict = !check.loading && check.data?.jws === jws ? check.data.verdict : undefined;

  if (!check.loading && check.error !== undefined) {
    const unreachable = check.error instanceof ApiError && check.error.unreachable;
    return (
      <section class="page credential-page" aria-live="polite">
        <h1>{t('credential.title')}</h1>
        {unreachable ? (
          <UnreachableNotice onRetry={check.reload} testId="credential-unreachable">
            {t('credential.unreachable')}
          </UnreachableNotice>
        ) : (
          <>
            <p>{t('credential.checkError')}</p>
            <ErrorNotice error={check.error} onRetry={check.reload} />
          </>
        )}
      </section>
    );
  }

  if (verdict === undefined) {
    return (
      <section class="page credential-page" aria-live="polite">
        <h1>{t('credential.title')}</h1>
        <p>{t('credential.checking')}</p>
        <Loading />
      </section>
    );
  }

  if (!verdict.valid) {
    return (
      <section class="page credential-page" aria-live="polite">
        <h1 data-testid="credential-failed">{t('credential.failedTitle')}</h1>
        <p class="state state-error" role="alert">
          {t('credential.failedLead')}
        </p>
        <VerdictView verdict={verdict} kind="credential" payload={props.payload} types={props.types} issuers={props.issuers} />
      </section>
    );
  }

  return <CertificateDocument jws={jws} payload={props.payload} types={props.types} issuers={props.issuers} portal={props.portal} />;
}

/** A credential the ledger vouched for, as the document it replaces. */
function CertificateDocument(props: { jws: string; payload: CredentialPayload; types?: CertificateType[]; issuers?: IssuerSummary[]; portal: Loaded<PortalInfo> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { jws, payload, portal } = props;
  const certId = certIdOf(payload);

  const download = useMemo(() => URL.createObjectURL(new Blob([jws], { type: 'application/vc+jwt' })), [jws]);
  useEffect(() => () => URL.revokeObjectURL(download), [download]);

  const typeId = typeof payload.certificateType === 'string' ? payload.certificateType : undefined;
  const type = props.types?.find((x) => x.type === typeId);
  const typeName = type ? titleIn(type.title, i18n.lang) : (typeId ?? t('credential.title'));
  const holder = holderOf(payload);
  const issuerId = typeof payload.issuer === 'object' ? payload.issuer?.id : payload.issuer;
  const issuerName = issuerNameOf(payload) ?? props.issuers?.find((x) => issuerId?.endsWith(`:${x.mspId}`))?.name ?? issuerId ?? '';
  const baseUrl = portal.data !== undefined || portal.error !== undefined ? baseUrlOf(portal.data) : undefined;

  return (
    <section class="page credential-page">
      <p class="state state-ok no-print" data-testid="credential-verified">
        <span aria-hidden="true">✓ </span>
        {t('credential.verified')}
      </p>
      <div class="toolbar no-print">
        <button type="button" data-testid="credential-print" onClick={() => window.print()}>
          {t('credential.print')}
        </button>
        <a class="button secondary" href={download} download={`${certId ?? 'credential'}.jwt`} data-testid="credential-download">
          {t('credential.download')}
        </a>
        <a class="button secondary" href={`/verify#vc=${jws}`}>
          {t('credential.verifyNow')}
        </a>
      </div>
      <article class="certificate" aria-labelledby="certificate-title" data-testid="credential">
        <header class="certificate-head">
          <p class="certificate-issuer" data-testid="credential-issuer">
            {issuerName}
          </p>
          <h1 id="certificate-title" data-testid="credential-type">
            {typeName}
          </h1>
          <p class="certificate-kind">{t('credential.kind')}</p>
        </header>
        <div class="certificate-body">
          <div class="certificate-facts">
            <dl class="facts">
              {holder?.name !== undefined && (
                <>
                  <dt>{t('verify.holder')}</dt>
                  <dd class="certificate-holder" data-testid="credential-holder">
                    {holder.name}
                  </dd>
                </>
              )}
              {holder?.idNumber !== undefined && (
                <>
                  <dt>{t('verify.holderId')}</dt>
                  <dd class="mono">{holder.idNumber}</dd>
                </>
              )}
            </dl>
            <h2 class="certificate-section">{t('verify.claims')}</h2>
            <ClaimList claims={claimsOf(payload)} schema={type?.schema} testId="credential-claims" />
            <h2 class="certificate-section">{t('credential.validitySection')}</h2>
            <dl class="facts">
              <dt>{t('verify.validity')}</dt>
              <dd data-testid="credential-validity">
                {payload.validFrom === undefined
                  ? '—'
                  : payload.validUntil
                    ? t('verify.validityRange', { from: i18n.date(payload.validFrom), until: i18n.date(payload.validUntil) })
                    : t('verify.validityOpen', { from: i18n.date(payload.validFrom) })}
              </dd>
              <dt>{t('verify.number')}</dt>
              <dd class="mono" data-testid="credential-number">
                {certId ?? '—'}
              </dd>
              <dt>{t('verify.issuer')}</dt>
              <dd>{issuerName}</dd>
            </dl>
          </div>
          <figure class="certificate-qr">
            <CredentialQr jws={jws} baseUrl={baseUrl} />
            <figcaption>{t('credential.qrCaption')}</figcaption>
          </figure>
        </div>
        <footer class="certificate-foot">{t('credential.footer')}</footer>
      </article>
    </section>
  );
}
