/** SHA-256 in the browser, the one place the portal hashes: files, CSV bytes and texts are never uploaded to be hashed. */

/** Thrown when the page is not on a secure origin (HTTPS or localhost), so Web Crypto is not there to hash. */
export class InsecureContextError extends Error {
  constructor() {
    super('Web Crypto is not available on this origin');
    this.name = InsecureContextError.name;
  }
}

/** Lowercase hex of bytes. */
export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Lowercase hex SHA-256 of a text (its UTF-8 bytes), of bytes, or of a file's contents. */
export async function sha256Hex(data: string | Blob | ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  if (!globalThis.crypto?.subtle) throw new InsecureContextError();
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof Blob ? await data.arrayBuffer() : data;
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}
