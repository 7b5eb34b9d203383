import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { Project } from '../../lib/types';
import { Field, FormError, describedBy, isId, fieldOfError, parseYuan } from './forms';

const FIELDS = ['id', 'title', 'targetAmount'] as const;
type FieldName = (typeof FIELDS)[number];

/** `/charity/projects/new`: a new fundraising project of the user's charity; the target is typed in yuan and sent in fen. */
export function CreateProject() {
  const { t } = useI18n();
  const { route } = useLocation();
  const [id, setId] = useState('');
  const [title, setTitle] = useState('');
  const [target, setTarget] = useState('');
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [failure, setFailure] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Partial<Record<FieldName, string>> = {};
    if (!isId(id.trim())) found.id = t('charity.form.badId');
    if (title.trim() === '') found.title = t('charity.form.required');
    const fen = parseYuan(target);
    if (fen === undefined) found.targetAmount = t('charity.form.badAmount');
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length > 0 || fen === undefined) return;
    setBusy(true);
    try {
      const project = await api<Project>('POST', '/api/v1/projects', { body: { id: id.trim(), title: title.trim(), targetAmount: fen } });
      route(`/charity/projects/${encodeURIComponent(project.id)}?created=1`);
    } catch (err) {
      const field = fieldOfError(err, FIELDS);
      if (field) setErrors({ [field]: t('charity.form.fieldRefused') });
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t('charity.create.title')}</h1>
      <form class="card" onSubmit={submit} noValidate data-testid="create-project-form">
        <Field id="project-id" label={t('charity.create.id')} hint={t('charity.create.idHint')} error={errors.id}>
          <input id="project-id" name="id" value={id} onInput={(e) => setId(e.currentTarget.value)} autocomplete="off" required {...describedBy('project-id', true, errors.id)} />
        </Field>
        <Field id="project-title" label={t('charity.create.projectTitle')} hint={t('charity.form.noPersonalData')} error={errors.title}>
          <input id="project-title" name="title" value={title} maxLength={200} onInput={(e) => setTitle(e.currentTarget.value)} required {...describedBy('project-title', true, errors.title)} />
        </Field>
        <Field id="project-target" label={t('charity.create.target')} hint={t('charity.form.yuanHint')} error={errors.targetAmount}>
          <input id="project-target" name="targetAmount" inputMode="decimal" value={target} onInput={(e) => setTarget(e.currentTarget.value)} required {...describedBy('project-target', true, errors.targetAmount)} />
        </Field>
        <FormError error={failure} />
        <div class="toolbar">
          <button type="submit" disabled={busy} data-testid="create-project-submit">
            {busy ? t('charity.form.sending') : t('charity.create.submit')}
          </button>
        </div>
      </form>
    </>
  );
}
