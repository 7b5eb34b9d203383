import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { CameraScan } from './camera-scan';
import { readCredentialInput, type CredentialInput } from './credential-data';
import { createQrReader } from './qr-reader';
import type { HolderCheck } from './verify-call';

export type { HolderCheck } from './verify-call';

/** Credentials are small (a few KB); anything far larger is not one and is not read into memory. */
const MAX_FILE_BYTES = 256 * 1024;

export interface CredentialInputProps {
  /** Called with what was pasted, dropped or scanned. */
  onInput(input: Exclude<CredentialInput, { kind: 'none' }>, holder?: HolderCheck): void;
  /** The textarea's text (the page keeps it, so `/verify#vc=` can fill it in). */
  text: string;
  onTextChange(text: string): void;
  busy?: boolean;
  /** Offer the optional holder check (the full verify page only). */
  holderCheck?: boolean;
}

/**
 * The three ways a credential reaches the verifier: pasted text, a `.jwt`
 * file (dropped or picked; a photo of the QR code works too), or the camera.
 */
export function CredentialInputForm(props: CredentialInputProps) {
  const { t } = useI18n();
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [dragging, setDragging] = useState(false);
  const [holderName, setHolderName] = useState('');
  const [holderId, setHolderId] = useState('');

  const holder = (): HolderCheck | undefined => {
    if (!props.holderCheck || holderId.trim() === '') return undefined;
    // The check compares the ID number only; the name, when given, travels with it but is optional.
    const name = holderName.trim();
    return name === '' ? { idNumber: holderId.trim().toUpperCase() } : { idNumber: holderId.trim().toUpperCase(), name };
  };

  const take = (raw: string, source: 'text' | 'file' | 'image' | 'qr'): boolean => {
    const input = readCredentialInput(raw);
    if (input.kind === 'none') {
      setProblem(t(source === 'qr' || source === 'image' ? 'verify.scanNotCredential' : source === 'file' ? 'verify.fileNotCredential' : 'verify.textNotCredential'));
      return false;
    }
    setProblem(undefined);
    if (input.kind === 'jws' && source !== 'text') props.onTextChange(input.jws);
    props.onInput(input, holder());
    return true;
  };

  const readFile = async (file: File | undefined) => {
    if (file === undefined) return;
    if (file.size > MAX_FILE_BYTES) {
      setProblem(t('verify.fileTooLarge'));
      return;
    }
    if (file.type.startsWith('image/')) {
      try {
        const text = await (await createQrReader()).read(file);
        if (text === undefined) setProblem(t('verify.imageNoQr'));
        else take(text, 'image');
      } catch {
        setProblem(t('verify.imageNoQr'));
      }
      return;
    }
    take(await file.text(), 'file');
  };

  return (
    <div class="credential-input">
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          take(props.text, 'text');
        }}
      >
        <div class="field">
          <label for="verify-input">{t('verify.pasteLabel')}</label>
          <textarea
            id="verify-input"
            data-testid="verify-input"
            value={props.text}
            spellcheck={false}
            autocomplete="off"
            aria-describedby="verify-input-hint"
            aria-invalid={problem !== undefined ? 'true' : undefined}
            onInput={(e) => props.onTextChange((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <span class="hint" id="verify-input-hint">
            {t('verify.pasteHint')}
          </span>
        </div>
        {props.holderCheck && (
          <details class="holder-check">
            <summary>{t('verify.holderCheck')}</summary>
            <p class="hint">{t('verify.holderCheckHint')}</p>
            <div class="field-row">
              <div class="field">
                <label for="holder-name">{t('verify.holderName')}</label>
                <input id="holder-name" value={holderName} autocomplete="off" onInput={(e) => setHolderName((e.currentTarget as HTMLInputElement).value)} />
              </div>
              <div class="field">
                <label for="holder-id">{t('verify.holderIdNumber')}</label>
                <input id="holder-id" value={holderId} autocomplete="off" inputMode="text" onInput={(e) => setHolderId((e.currentTarget as HTMLInputElement).value)} />
              </div>
            </div>
          </details>
        )}
        <div class="toolbar">
          <button type="submit" data-testid="verify-submit" disabled={props.busy}>
            {t('verify.submit')}
          </button>
        </div>
      </form>
      <div
        class={`card drop-zone ${dragging ? 'dragging' : ''}`}
        data-testid="verify-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void readFile(e.dataTransfer?.files[0]);
        }}
      >
        <p>{t('verify.dropHint')}</p>
        <label class="button secondary file-button" for="verify-file">
          {t('verify.chooseFile')}
        </label>
        <input
          id="verify-file"
          class="visually-hidden"
          type="file"
          data-testid="verify-file"
          accept=".jwt,.jws,.txt,.json,application/jwt,application/vc+jwt,text/plain,image/*"
          onChange={(e) => {
            const input = e.currentTarget as HTMLInputElement;
            void readFile(input.files?.[0]).finally(() => {
              input.value = '';
            });
          }}
        />
      </div>
      <div class="card">
        <h2 class="card-title">{t('verify.scanTitle')}</h2>
        <p class="hint">{t('verify.scanHint')}</p>
        <CameraScan onText={(text) => take(text, 'qr')} />
      </div>
      {problem !== undefined && (
        <p class="form-error" role="alert" data-testid="input-error">
          {problem}
        </p>
      )}
    </div>
  );
}
