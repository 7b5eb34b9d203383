import { createHash } from 'node:crypto';
import fs from 'node:fs';
import QRCode from 'qrcode';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

/** Lowercase hex SHA-256 of a compact JWS: the ledger record's digest and the short link's `#d=`. */
export function digestOf(jws: string): string {
  return createHash('sha256').update(jws).digest('hex');
}

/** The payload of a compact JWS, decoded. */
export function payloadOf(jws: string): Record<string, any> {
  return JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8')) as Record<string, any>;
}

/**
 * The same credential with `change` applied to its payload, re-encoded, and
 * the original signature kept: well-formed, but no longer what was signed.
 */
export function tamper(jws: string, change: (payload: Record<string, any>) => void): string {
  const [header, , signature] = jws.split('.');
  const payload = payloadOf(jws);
  change(payload);
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

let zxingReady = false;

/**
 * Decodes the QR codes in a PNG with ZXing (WebAssembly), in Node. The `.wasm`
 * comes from node_modules: without the override the library would fetch it
 * from a CDN.
 */
export async function decodeQrPng(png: Buffer): Promise<Array<{ text: string; version: string }>> {
  if (!zxingReady) {
    const wasmBinary = fs.readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    await prepareZXingModule({ overrides: { wasmBinary: new Uint8Array(wasmBinary).buffer }, fireImmediately: true });
    zxingReady = true;
  }
  const results = await readBarcodes(new Uint8Array(png), { formats: ['QRCode'], tryHarder: true });
  return results.filter((r) => r.isValid).map((r) => ({ text: r.text, version: r.version }));
}

/** The QR version `text` takes at error correction level M. */
export function qrVersionAtM(text: string): number {
  return QRCode.create(text, { errorCorrectionLevel: 'M' }).version;
}

/**
 * A YUV4MPEG2 video (4:2:0) showing a QR code of `text`, for Chromium's fake
 * camera (`--use-file-for-fake-video-capture`). The luma plane is drawn from
 * the code's modules, with a quiet zone; the chroma planes are neutral grey.
 */
export function qrVideo(text: string, options: { size?: number; frames?: number } = {}): Buffer {
  const size = options.size ?? 720;
  const frames = options.frames ?? 5;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  const scale = Math.floor(size / (n + 2 * quiet));
  if (scale < 2) throw new Error(`a ${n}-module QR code does not fit ${size} px at 2 px a module`);
  const offset = Math.floor((size - n * scale) / 2);
  const luma = Buffer.alloc(size * size, 235);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (!qr.modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (offset + y * scale + dy) * size + offset + x * scale;
        luma.fill(16, row, row + scale);
      }
    }
  }
  const chroma = Buffer.alloc((size / 2) * (size / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), luma, chroma]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}
