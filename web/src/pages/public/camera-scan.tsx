import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { createQrReader, type QrReader } from './qr-reader';

type CameraState = 'off' | 'starting' | 'scanning' | 'unsupported' | 'denied' | 'failed';

/** How often a frame is decoded: often enough to feel instant, rare enough to leave a phone's CPU alone. */
const FRAME_INTERVAL_MS = 200;

/**
 * Scans QR codes with the camera. `onText` gets every code read; it answers
 * true when the code was a credential (scanning stops) or false (scanning
 * goes on and the reader is told the code is not one).
 */
export function CameraScan(props: { onText: (text: string) => boolean }) {
  const { t } = useI18n();
  const [state, setState] = useState<CameraState>('off');
  const [notCredential, setNotCredential] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const reader = useRef<QrReader | null>(null);
  const onText = useRef(props.onText);
  onText.current = props.onText;

  const stop = () => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = null;
    if (video.current) video.current.srcObject = null;
  };
  useEffect(() => stop, []);

  const tick = async () => {
    const v = video.current;
    if (stream.current === null || v === null || reader.current === null) return;
    let text: string | undefined;
    try {
      if (v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) text = await reader.current.read(v);
    } catch {
      // One unreadable frame is normal while the camera focuses; keep going.
    }
    if (stream.current === null) return;
    if (text !== undefined && text !== '') {
      if (onText.current(text)) {
        stop();
        setState('off');
        return;
      }
      setNotCredential(true);
    }
    timer.current = window.setTimeout(() => void tick(), FRAME_INTERVAL_MS);
  };

  const start = async () => {
    setNotCredential(false);
    // getUserMedia exists only in a secure context (HTTPS or localhost).
    if (!navigator.mediaDevices?.getUserMedia) {
      setState('unsupported');
      return;
    }
    setState('starting');
    try {
      const [media, qr] = await Promise.all([
        navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }),
        reader.current ? Promise.resolve(reader.current) : createQrReader(),
      ]);
      reader.current = qr;
      stream.current = media;
      const v = video.current;
      if (v === null) {
        stop();
        return;
      }
      v.srcObject = media;
      await v.play();
      setState('scanning');
      void tick();
    } catch (err) {
      stop();
      const name = err instanceof DOMException ? err.name : '';
      setState(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'failed');
    }
  };

  const on = state === 'starting' || state === 'scanning';
  return (
    <div class="camera-scan">
      <div class="toolbar">
        {on ? (
          <button
            type="button"
            class="secondary"
            data-testid="scan-stop"
            onClick={() => {
              stop();
              setState('off');
            }}
          >
            {t('verify.scanStop')}
          </button>
        ) : (
          <button type="button" class="secondary" data-testid="scan-start" onClick={() => void start()}>
            {t('verify.scanStart')}
          </button>
        )}
        <span class="hint" role="status">
          {state === 'starting' && t('verify.scanStarting')}
          {state === 'scanning' && t('verify.scanning')}
        </span>
      </div>
      {(state === 'unsupported' || state === 'denied' || state === 'failed') && (
        <p class="state state-error" role="alert" data-testid="scan-error">
          {t(`verify.scan.${state}`)}
        </p>
      )}
      {notCredential && on && (
        <p class="state state-unreachable" role="status">
          {t('verify.scanNotCredential')}
        </p>
      )}
      <video ref={video} class={`camera-view ${on ? '' : 'hidden'}`} muted playsInline aria-label={t('verify.cameraView')} data-testid="scan-video" />
    </div>
  );
}
