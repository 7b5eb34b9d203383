/**
 * What a credential's QR code encodes.
 *
 * A real credential is a compact JWS of about 1,500 characters; in a QR code
 * that is version 28 or more (129+ modules a side), too dense for a phone to
 * read off paper. So:
 *
 * - `<publicBaseUrl>/verify#vc=<JWS>` when it fits in version ≤ 25 at error
 *   correction level M (117 modules): the code then carries the whole
 *   credential, and a verifier needs nothing but the ledger;
 * - otherwise the short link `<publicBaseUrl>/v/<certificate id>#d=<digest>`,
 *   with digest the lowercase hex SHA-256 of the compact JWS (the ledger
 *   record's `digest`); about 120 characters, version 6–8. Its page checks the
 *   ledger record for that id and digest, and takes the full credential for
 *   the claims.
 *
 * Both put the credential or its digest in the fragment, which browsers never
 * send to a server. The certificate id is the payload `id` without
 * `urn:civic:cert:`.
 */
import { create } from 'qrcode';
import { sha256Hex } from '../../lib/hash';
import { certIdOf, decodePayload } from './credential-data';

/** The largest QR version the full link may take. */
export const MAX_FULL_LINK_VERSION = 25;
/** Error correction M: 15 % of the code may be damaged (a crease, a stamp). */
export const QR_LEVEL = 'M' as const;

/** The QR version `text` needs at level M, or undefined when it does not fit any version. */
export function qrVersion(text: string): number | undefined {
  try {
    return create(text, { errorCorrectionLevel: QR_LEVEL }).version;
  } catch {
    return undefined;
  }
}

/** The URL to put in the credential's QR code (see the module comment for the rule). */
export async function qrLinkFor(jws: string, baseUrl: string): Promise<string> {
  const full = `${baseUrl}/verify#vc=${jws}`;
  const version = qrVersion(full);
  if (version !== undefined && version <= MAX_FULL_LINK_VERSION) return full;
  const id = certIdOf(decodePayload(jws));
  // A payload without a certificate id cannot have a short link; the full link is still correct, only dense.
  if (id === undefined) return full;
  return `${baseUrl}/v/${encodeURIComponent(id)}#d=${await sha256Hex(jws)}`;
}
