'use client';

import { useId, useState, type FormEvent } from 'react';
import { weakPasswordText } from '@/components/AuthForms';
import { FieldError } from '@/components/ui';
import { ApiError, useApi } from '@/lib/api';
import { useFieldErrors } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import type { PasswordChanged } from '@/lib/types';

const PASSWORD_FIELDS = ['current_password', 'new_password'] as const;

/** Change the password (the current one is required); every other session is signed out. */
export function PasswordSection() {
  const { t } = useI18n();
  const id = useId();
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const fields = useFieldErrors(id, PASSWORD_FIELDS);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const current = String(form.get('current') ?? '');
    const next = String(form.get('next') ?? '');
    setError(null);
    setDone(null);
    if (fields.requireFilled({ current_password: current, new_password: next }, PASSWORD_FIELDS)) return;
    if (next.length < 10) {
      fields.set('new_password', t('auth.passwordTooShort'));
      return;
    }
    setBusy(true);
    try {
      const answer = await api<PasswordChanged>('/api/v1/auth/password', {
        method: 'POST',
        body: { current_password: current, new_password: next },
      });
      formElement.reset();
      setDone(t('sec.passwordChanged', { count: answer.revoked_sessions }));
    } catch (e) {
      const apiError = e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0);
      if (apiError.code === 'WEAK_PASSWORD')
        fields.set(
          'new_password',
          weakPasswordText(
            t('auth.weakPassword'),
            apiError.details as Parameters<typeof weakPasswordText>[1],
          ),
        );
      else if (apiError.code === 'CURRENT_PASSWORD_WRONG')
        fields.set('current_password', t('sec.currentWrong'));
      else if (!fields.fromError(apiError))
        setError(apiError.code === 'NETWORK' ? t('err.network') : apiError.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('sec.password')}</h2>
      <form method="post" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-current`}>{t('sec.currentPassword')}</label>
          <input
            id={`${id}-current`}
            name="current"
            type="password"
            autoComplete="current-password"
            required
            onChange={() => fields.clear('current_password')}
            {...fields.inputProps('current_password')}
          />
          <FieldError formId={id} field="current_password" error={fields.errors.current_password} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-next`}>{t('sec.newPassword')}</label>
          <input
            id={`${id}-next`}
            name="next"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            onChange={() => fields.clear('new_password')}
            {...fields.inputProps('new_password', `${id}-hint`)}
          />
          <small id={`${id}-hint`} className="muted">
            {t('auth.passwordHint')}
          </small>
          <FieldError formId={id} field="new_password" error={fields.errors.new_password} />
        </div>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        {done ? (
          <p role="status" className="notice">
            {done}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? t('auth.working') : t('sec.password')}
        </button>
      </form>
    </section>
  );
}
