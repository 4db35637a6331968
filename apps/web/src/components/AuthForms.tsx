'use client';

import Link from 'next/link';
import { signIn } from 'next-auth/react';
import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api';
import { safeCallback } from '@/lib/callback';
import { fieldErrorId, useFieldErrors, type FieldErrors } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import { hardNavigate } from '@/lib/navigate';
import type { MessageKey } from '@/lib/messages';
import { LanguageSwitch } from './LanguageSwitch';
import { ThemeSwitch } from './ThemeSwitch';
import { FieldError } from './ui';

const SIGN_IN_FIELDS = ['email', 'password', 'code'] as const;
const SIGN_UP_FIELDS = ['name', 'email', 'password'] as const;

const SIGN_IN_CODES: Record<string, MessageKey> = {
  INVALID_CREDENTIALS: 'auth.invalid',
  credentials: 'auth.invalid',
  TOO_MANY_ATTEMPTS: 'auth.tooMany',
  LOGIN_DELAYED: 'auth.delayed',
  TOTP_INVALID: 'auth.totpInvalid',
  LOGIN_CHALLENGE_INVALID: 'auth.challengeExpired',
  NETWORK: 'err.network',
};
const TOTP_REQUIRED = 'TOTP_REQUIRED:';

/**
 * Signs in through Auth.js (the password, or a challenge and its code); returns null on success or
 * the API's error code (`TOTP_REQUIRED:<challenge>` when a code is needed next).
 */
async function credentialsSignIn(fields: Record<string, string>): Promise<string | null> {
  const result = await signIn('credentials', { ...fields, redirect: false });
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
          <span className="switches">
            <LanguageSwitch />
            <ThemeSwitch />
          </span>
        </div>
        <h1>{title}</h1>
        {children}
      </div>
      <section className="product-intro" aria-labelledby="intro-title">
        <h2 id="intro-title">{t('intro.title')}</h2>
        <p>{t('intro.body')}</p>
        <p className="muted">{t('intro.points')}</p>
      </section>
    </main>
  );
}

export function SignInForm({
  notice,
  callbackUrl,
}: {
  notice?: 'expired' | 'signedOut' | 'registered' | undefined;
  callbackUrl?: string | undefined;
}) {
  const { t } = useI18n();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Set after a correct password when the account has two-factor authentication. */
  const [challenge, setChallenge] = useState<string | null>(null);
  const [useRecovery, setUseRecovery] = useState(false);
  const fields = useFieldErrors(id, SIGN_IN_FIELDS);
  // Uncontrolled inputs read on submit: what was typed (or filled by a password manager) before
  // the page finished hydrating is kept.
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? '');
    setError(null);
    const empty = challenge
      ? fields.requireFilled({ code: field('code') }, ['code'])
      : fields.requireFilled({ email: field('email'), password: field('password') }, ['email', 'password']);
    if (empty) return;
    setBusy(true);
    const code = await credentialsSignIn(
      challenge
        ? { challenge_token: challenge, [useRecovery ? 'recovery_code' : 'code']: field('code') }
        : { email: field('email'), password: field('password') },
    );
    setBusy(false);
    if (code?.startsWith(TOTP_REQUIRED)) {
      setChallenge(code.slice(TOTP_REQUIRED.length));
      return;
    }
    if (code) {
      if (code === 'LOGIN_CHALLENGE_INVALID') setChallenge(null);
      const key = SIGN_IN_CODES[code];
      setError(key ? t(key) : `${t('common.error')} (${code})`);
      return;
    }
    hardNavigate(safeCallback(callbackUrl));
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
      {challenge ? (
        <TotpStep
          id={id}
          useRecovery={useRecovery}
          onToggle={() => setUseRecovery((v) => !v)}
          error={fields.errors.code}
          onChange={() => fields.clear('code')}
        />
      ) : (
        <>
          <AuthField formId={id} name="email" label={t('auth.email')} type="email" fields={fields} />
          <AuthField
            formId={id}
            name="password"
            label={t('auth.password')}
            type="password"
            autoComplete="current-password"
            fields={fields}
          />
          <p className="muted small">{t('auth.forgot')}</p>
        </>
      )}
      {error ? (
        <p role="alert" id={`${id}-error`} className="error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? t('auth.working') : challenge ? t('auth.verify') : t('auth.signIn')}
      </button>
      <p className="muted">
        {t('auth.noAccount')} <Link href="/signup">{t('auth.signUp')}</Link>
      </p>
    </form>
  );
}

/**
 * One input of the sign-in and sign-up forms, uncontrolled (read with FormData on submit), with its
 * error under it once there is one; typing in it clears that error.
 */
function AuthField<F extends string>({
  formId,
  name,
  label,
  type = 'text',
  autoComplete = name,
  hint,
  fields,
}: {
  formId: string;
  name: F;
  label: string;
  type?: 'text' | 'email' | 'password';
  autoComplete?: string;
  hint?: string;
  fields: FieldErrors<F>;
}) {
  const inputId = `${formId}-${name}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required={name !== 'name'}
        onChange={() => fields.clear(name)}
        {...fields.inputProps(name, hintId)}
      />
      {hint ? (
        <small id={hintId} className="muted">
          {hint}
        </small>
      ) : null}
      <FieldError formId={formId} field={name} error={fields.errors[name]} />
    </div>
  );
}

/** The second sign-in step: a code from the authenticator app, or a recovery code. */
function TotpStep({
  id,
  useRecovery,
  onToggle,
  error,
  onChange,
}: {
  id: string;
  useRecovery: boolean;
  onToggle: () => void;
  error: string | undefined;
  onChange: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <p role="status" className="notice">
        {t('auth.totpPrompt')}
      </p>
      <div className="field">
        <label htmlFor={`${id}-code`}>{useRecovery ? t('auth.recoveryCode') : t('auth.totpCode')}</label>
        <input
          key={useRecovery ? 'recovery' : 'totp'}
          id={`${id}-code`}
          name="code"
          autoComplete="one-time-code"
          inputMode={useRecovery ? 'text' : 'numeric'}
          autoFocus
          required
          onChange={onChange}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? fieldErrorId(id, 'code') : undefined}
        />
        <FieldError formId={id} field="code" error={error} />
      </div>
      <button type="button" className="link" onClick={onToggle}>
        {useRecovery ? t('auth.useTotp') : t('auth.useRecovery')}
      </button>
    </>
  );
}

export function SignUpForm() {
  const { t } = useI18n();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const fields = useFieldErrors(id, SIGN_UP_FIELDS);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '');
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    setError(null);
    if (fields.requireFilled({ email, password }, ['email', 'password'])) return;
    if (password.length < 10) {
      fields.set('password', t('auth.passwordTooShort'));
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
        const body = (await response.json().catch(() => null)) as {
          error?: {
            code?: string;
            message?: string;
            details?: { warning?: string | null; suggestions?: string[] };
          };
        } | null;
        const apiError = new ApiError(
          body?.error?.code ?? `HTTP_${response.status}`,
          body?.error?.message ?? '',
          response.status,
          body?.error?.details,
        );
        if (apiError.code === 'WEAK_PASSWORD')
          fields.set('password', weakPasswordText(t('auth.weakPassword'), body?.error?.details));
        else if (!fields.fromError(apiError))
          setError(body?.error?.message ?? `${t('common.error')} (${response.status})`);
        return;
      }
      setStatus(t('auth.registered'));
      // A taken email is answered like a new one (registration does not reveal accounts); then the
      // password given here does not sign in, unless it is the account's own.
      const code = await credentialsSignIn({ email, password });
      if (code) {
        setError(code === 'INVALID_CREDENTIALS' ? t('auth.maybeTaken') : `${t('common.error')} (${code})`);
        return;
      }
      hardNavigate('/');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <AuthField formId={id} name="name" label={t('auth.name')} autoComplete="name" fields={fields} />
      <AuthField formId={id} name="email" label={t('auth.email')} type="email" fields={fields} />
      <AuthField
        formId={id}
        name="password"
        label={t('auth.password')}
        type="password"
        autoComplete="new-password"
        hint={t('auth.passwordHint')}
        fields={fields}
      />
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

/** The policy's verdict with zxcvbn's hints (in English: the checker has no Korean translation). */
export function weakPasswordText(
  headline: string,
  details: { warning?: string | null; suggestions?: string[] } | undefined,
): string {
  return [headline, details?.warning, ...(details?.suggestions ?? [])].filter(Boolean).join(' ');
}
