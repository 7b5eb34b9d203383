/**
 * Reads QR codes from camera frames and image files. The browser's own
 * `BarcodeDetector` is used where it exists (Chrome on Android, ChromeOS,
 * macOS); elsewhere ZXing compiled to WebAssembly does the work.
 *
 * The fallback is `zxing-wasm/reader` (ZXing-C++, the decoder the
 * `barcode-detector` polyfill wraps), called directly so that its glue code
 * and its `.wasm` always come from the same release.
 * The `.wasm` is bundled by Vite (`?url`) and served from this origin: the
 * page's CSP allows no CDN, and a verifier must work on a closed network.
 */

/** The part of the Barcode Detection API used here (not in TypeScript's DOM types). */
interface NativeDetector {
  detect(source: CanvasImageSource | Blob | ImageData): Promise<Array<{ rawValue: string }>>;
}
interface NativeDetectorClass {
  new (options: { formats: string[] }): NativeDetector;
  getSupportedFormats(): Promise<string[]>;
}

/** Finds the text of the first QR code in a video frame or an image. */
export interface QrReader {
  /** The QR code's text, or undefined when the frame or image shows none. */
  read(source: HTMLVideoElement | Blob): Promise<string | undefined>;
}

async function nativeReader(): Promise<QrReader | undefined> {
  const Detector = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (Detector === undefined) return undefined;
  try {
    if (!(await Detector.getSupportedFormats()).includes('qr_code')) return undefined;
  } catch {
    return undefined;
  }
  const detector = new Detector({ formats: ['qr_code'] });
  return {
    async read(source) {
      const found = await detector.detect(source);
      return found[0]?.rawValue;
    },
  };
}

async function zxingReader(): Promise<QrReader> {
  const [{ prepareZXingModule, readBarcodes }, { default: wasmUrl }] = await Promise.all([
    import('zxing-wasm/reader'),
    import('zxing-wasm/reader/zxing_reader.wasm?url'),
  ]);
  prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
  });
  // One canvas for every frame: allocating one per frame would churn memory at five frames a second.
  const canvas = document.createElement('canvas');
  const options = { formats: ['QRCode' as const], maxNumberOfSymbols: 1, tryHarder: true };
  return {
    async read(source) {
      if (source instanceof Blob) {
        const results = await readBarcodes(source, options);
        return results.find((r) => r.isValid)?.text;
      }
      const width = source.videoWidth;
      const height = source.videoHeight;
      if (width === 0 || height === 0) return undefined;
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      if (g === null) return undefined;
      g.drawImage(source, 0, 0, width, height);
      const results = await readBarcodes(g.getImageData(0, 0, width, height), options);
      return results.find((r) => r.isValid)?.text;
    },
  };
}

/** One reader per page load: ZXing's module is instantiated once, whoever asks (camera, image file). */
let shared: Promise<QrReader> | undefined;

/** A QR reader: the native detector when the browser has one that reads QR codes, else ZXing. */
export function createQrReader(): Promise<QrReader> {
  shared ??= nativeReader().then((native) => native ?? zxingReader());
  // A failed load (the .wasm did not arrive) is not remembered, so the next scan tries again.
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}
