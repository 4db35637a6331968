'use client';

import Link from 'next/link';
import { signIn } from 'next-auth/react';
import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '@/lib/i18n';
import { hardNavigate } from '@/lib/navigate';
import type { MessageKey } from '@/lib/messages';
import { LanguageSwitch } from './LanguageSwitch';

const SIGN_IN_CODES: Record<string, MessageKey> = {
  INVALID_CREDENTIALS: 'auth.invalid',
  credentials: 'auth.invalid',
  TOO_MANY_ATTEMPTS: 'auth.tooMany',
  NETWORK: 'err.network',
};

/** Signs in through Auth.js; returns null on success or the API's error code. */
async function credentialsSignIn(email: string, password: string): Promise<string | null> {
  const result = await signIn('credentials', { email, password, redirect: false });
  if (!result || result.error) return result?.code ?? result?.error ?? 'credentials';
  return null;
}

export function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <div className="auth-head">
          <p className="brand">{t('app.name')}</p>
          <LanguageSwitch />
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function SignInForm({ notice }: { notice?: 'expired' | 'signedOut' | 'registered' | undefined }) {
  const { t } = useI18n();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Uncontrolled inputs read on submit: what was typed (or filled by a password manager) before
  // the page finished hydrating is kept.
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setError(null);
    const code = await credentialsSignIn(email, password);
    setBusy(false);
    if (code) {
      const key = SIGN_IN_CODES[code];
      setError(key ? t(key) : `${t('common.error')} (${code})`);
      return;
    }
    hardNavigate('/');
  };
  return (
    // method="post": a submit before the page is interactive must not put the password in the URL.
    <form method="post" onSubmit={onSubmit} noValidate aria-describedby={error ? `${id}-error` : undefined}>
      {notice === 'expired' ? (
        <p role="status" className="notice warn">
          {t('auth.expired')}
        </p>
      ) : null}
      {notice === 'signedOut' ? (
        <p role="status" className="notice">
          {t('auth.signedOut')}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-email`}>{t('auth.email')}</label>
        <input id={`${id}-email`} name="email" type="email" autoComplete="email" required />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>{t('auth.password')}</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
      </div>
      {error ? (
        <p role="alert" id={`${id}-error`} className="error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? t('auth.working') : t('auth.signIn')}
      </button>
      <p className="muted">
        {t('auth.noAccount')} <Link href="/signup">{t('auth.signUp')}</Link>
      </p>
    </form>
  );
}

export function SignUpForm() {
  const { t } = useI18n();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '');
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    setError(null);
    if (password.length < 10) {
      setError(t('auth.passwordTooShort'));
      return;
    }
    setBusy(true);
    try {
      let response: Response;
      try {
        response = await fetch('/api/v1/auth/register', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password, ...(name.trim() ? { name: name.trim() } : {}) }),
        });
      } catch {
        setError(t('err.network'));
        return;
      }
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(body?.error?.message ?? `${t('common.error')} (${response.status})`);
        return;
      }
      setStatus(t('auth.registered'));
      const code = await credentialsSignIn(email, password);
      if (code) {
        setError(`${t('common.error')} (${code})`);
        return;
      }
      hardNavigate('/');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('auth.name')}</label>
        <input id={`${id}-name`} name="name" autoComplete="name" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-email`}>{t('auth.email')}</label>
        <input id={`${id}-email`} name="email" type="email" autoComplete="email" required />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>{t('auth.password')}</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          aria-describedby={`${id}-password-hint`}
        />
        <small id={`${id}-password-hint`} className="muted">
          {t('auth.passwordHint')}
        </small>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {status && !error ? (
        <p role="status" className="notice">
          {status}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? t('auth.working') : t('auth.signUp')}
      </button>
      <p className="muted">
        {t('auth.haveAccount')} <Link href="/signin">{t('auth.signIn')}</Link>
      </p>
    </form>
  );
}
