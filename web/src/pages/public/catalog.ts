/**
 * The public registry data the public pages read: certificate types (titles
 * and claim schemas), issuers (names), and the portal's own settings.
 */
import { api, ApiError } from '../../lib/api';
import type { CertificateType } from '../../lib/types';

/** `GET /api/v1/portal`: how this gateway is set up. */
export interface PortalInfo {
  ledger: 'embedded' | 'fabric';
  gatewayOrg: 'civil' | 'charity' | 'audit';
  /** The address printed into QR codes, so a code made behind a proxy opens the public site. */
  publicBaseUrl: string;
  /** True when `POST /api/v1/dev/token` hands out demo tokens (embedded ledger on loopback only). */
  demoLogin: boolean;
}

/** An issuer as the public registry lists it (keys omitted). */
export interface IssuerSummary {
  mspId: string;
  name: string;
}

/** Public calls go without the user's token: they need none, and a stale one must not send the reader to the login page. */
const PUBLIC = { auth: false } as const;

/** Every registered certificate type. */
export async function loadTypes(signal?: AbortSignal): Promise<CertificateType[]> {
  return (await api<{ items: CertificateType[] }>('GET', '/api/v1/certificate-types', { ...PUBLIC, signal })).items;
}

/** Every issuer with its display name. */
export async function loadIssuers(signal?: AbortSignal): Promise<IssuerSummary[]> {
  const { items } = await api<{ items: IssuerSummary[] }>('GET', '/api/v1/issuers', { ...PUBLIC, signal });
  return items.map(({ mspId, name }) => ({ mspId, name }));
}

/**
 * The portal's settings. A gateway that predates `GET /api/v1/portal` (404)
 * is treated as one without demo login whose public address is this page's.
 */
export async function loadPortalInfo(signal?: AbortSignal): Promise<PortalInfo> {
  try {
    return await api<PortalInfo>('GET', '/api/v1/portal', { ...PUBLIC, signal });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      return { ledger: 'embedded', gatewayOrg: 'civil', publicBaseUrl: location.origin, demoLogin: false };
    }
    throw err;
  }
}

/** True for a URL on this machine only (localhost, 127.x, ::1): no phone can open it. */
function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]';
  } catch {
    return true;
  }
}

/**
 * The address to print into QR codes, without a trailing slash: the gateway's
 * `publicBaseUrl`, unless that is a loopback address (the gateway's default
 * when PUBLIC_BASE_URL is unset) while the reader reached the portal some
 * other way. A code pointing at localhost would open nothing on the phone
 * that scans it; the address this page was loaded from is the better guess.
 */
export function baseUrlOf(info: PortalInfo | undefined): string {
  const base = info?.publicBaseUrl?.trim().replace(/\/+$/, '');
  if (base === undefined || base === '') return location.origin;
  if (isLoopbackUrl(base) && new URL(base).origin !== location.origin) return location.origin;
  return base;
}
