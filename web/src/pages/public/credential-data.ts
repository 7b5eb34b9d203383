/**
 * Reading a credential in the browser: its payload (decoded, not trusted: the
 * gateway's verdict says whether it may be believed), its certificate id, its
 * digest, and what a pasted text or a scanned QR code holds.
 */
import type { Lang } from '../../i18n';

/**
 * The id prefix of a certificate credential, as `CERT_URN_PREFIX` in
 * gateway/src/credentials/vc.ts (not imported: that module needs node:crypto).
 */
export const CERT_URN_PREFIX = 'urn:civic:cert:';

/** The parts of a certificate credential's payload the pages show. */
export interface CredentialPayload {
  id?: string;
  certificateType?: string;
  issuer?: { id?: string; name?: string } | string;
  validFrom?: string;
  validUntil?: string;
  credentialSubject?: Record<string, unknown>;
}

/** The holder as a credential names them: a name and a masked ID number. */
export interface CredentialHolder {
  name?: string;
  idNumber?: string;
  idType?: string;
}

function base64UrlBytes(text: string): Uint8Array {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** True when `text` has the shape of a compact JWS (three base64url parts). */
export function looksLikeJws(text: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text);
}

/** The decoded payload of a compact JWS, or undefined when it is not readable JSON. */
export function decodePayload(jws: string): CredentialPayload | undefined {
  const parts = jws.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64UrlBytes(parts[1])));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as CredentialPayload) : undefined;
  } catch {
    return undefined;
  }
}

/** The certificate id (the payload `id` without its URN prefix), as the ledger and the short link name it. */
export function certIdOf(payload: CredentialPayload | undefined): string | undefined {
  const id = payload?.id;
  return typeof id === 'string' && id.startsWith(CERT_URN_PREFIX) && id.length > CERT_URN_PREFIX.length
    ? id.slice(CERT_URN_PREFIX.length)
    : undefined;
}

/** The issuer's display name the credential carries. */
export function issuerNameOf(payload: CredentialPayload | undefined): string | undefined {
  const issuer = payload?.issuer;
  return issuer !== undefined && typeof issuer === 'object' && typeof issuer.name === 'string' ? issuer.name : undefined;
}

/** The holder named in the credential's subject. */
export function holderOf(payload: CredentialPayload | undefined): CredentialHolder | undefined {
  const holder = payload?.credentialSubject?.holder;
  if (holder === null || typeof holder !== 'object') return undefined;
  const h = holder as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { name: str(h.name), idNumber: str(h.idNumber), idType: str(h.idType) };
}

/** The claims of the subject: everything but its id and the holder. */
export function claimsOf(payload: CredentialPayload | undefined): Array<[string, unknown]> {
  const subject = payload?.credentialSubject;
  if (subject === undefined || subject === null || typeof subject !== 'object') return [];
  return Object.entries(subject).filter(([k]) => k !== 'id' && k !== 'holder');
}

/** What a pasted text, a file or a QR code holds. */
export type CredentialInput =
  | { kind: 'jws'; jws: string }
  | { kind: 'reference'; id: string; digest: string }
  | { kind: 'none' };

/** Reads `#vc=` or `#d=` out of a URL fragment (without the leading `#`). */
function fragmentParam(fragment: string, name: string): string | undefined {
  const value = new URLSearchParams(fragment).get(name);
  return value === null || value === '' ? undefined : value.trim();
}

/**
 * Understands everything a verifier may be handed: a bare compact JWS, a
 * verify link `…/verify#vc=<JWS>`, a short link `…/v/<id>#d=<digest>`, or the
 * JSON the issuing API answered with (`{credential: …}`).
 */
export function readCredentialInput(raw: string): CredentialInput {
  const text = raw.trim();
  if (text === '') return { kind: 'none' };
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as { credential?: unknown };
      if (typeof json.credential === 'string') return readCredentialInput(json.credential);
    } catch {
      // Not JSON after all: fall through to the other forms.
    }
  }
  const compact = text.replace(/\s+/g, '');
  if (looksLikeJws(compact)) return { kind: 'jws', jws: compact };
  let url: URL;
  try {
    url = new URL(text, location.origin);
  } catch {
    return { kind: 'none' };
  }
  const fragment = url.hash.replace(/^#/, '');
  const vc = fragmentParam(fragment, 'vc');
  if (vc !== undefined && looksLikeJws(vc)) return { kind: 'jws', jws: vc };
  const short = /^\/v\/([^/]+)\/?$/.exec(url.pathname);
  const digest = fragmentParam(fragment, 'd');
  if (short && digest !== undefined && /^[0-9a-fA-F]{64}$/.test(digest)) {
    return { kind: 'reference', id: decodeURIComponent(short[1]), digest: digest.toLowerCase() };
  }
  return { kind: 'none' };
}

/**
 * The part of a bilingual title for the reader's language. The seeded titles
 * read "结婚登记 Marriage registration": Chinese first, then English.
 */
export function titleIn(title: string, lang: Lang): string {
  const m = /^(.*[\u3400-\u9fff][^A-Za-z]*?)\s+([A-Za-z].*)$/.exec(title.trim());
  if (!m) return title;
  return lang === 'zh-CN' ? m[1].trim() : m[2].trim();
}
