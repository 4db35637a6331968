'use client';

import { useId, useState, type FormEvent } from 'react';
import { CopyButton, ErrorMessage, Loading } from '@/components/ui';
import { ApiError, useApi, useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { RecoveryCodes, TotpEnrolment, TotpStatus } from '@/lib/types';

/** A code field for the second factor: a 6-digit code, or a recovery code. */
function CodeField({ id, label }: { id: string; label: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name="code" autoComplete="one-time-code" required maxLength={40} />
    </div>
  );
}

/** The code as the API takes it: six digits are a TOTP code, anything else a recovery code. */
export function secondFactor(code: string): { code: string } | { recovery_code: string } {
  const trimmed = code.trim();
  return /^\d{6}$/.test(trimmed) ? { code: trimmed } : { recovery_code: trimmed };
}

/** Two-factor authentication: enrol with a QR code, confirm, keep the recovery codes, turn off. */
export function TotpSection() {
  const { t } = useI18n();
  const id = useId();
  const api = useApi();
  const status = useResource<TotpStatus>('/api/v1/auth/totp');
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
    } finally {
      setBusy(false);
    }
  };
  const codeOf = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    return String(new FormData(event.currentTarget).get('code') ?? '');
  };
  const enrol = () =>
    run(async () => setEnrolment(await api<TotpEnrolment>('/api/v1/auth/totp/enroll', { method: 'POST' })));
  const confirm = (event: FormEvent<HTMLFormElement>) => {
    const code = codeOf(event);
    return run(async () => {
      const answer = await api<RecoveryCodes>('/api/v1/auth/totp/confirm', {
        method: 'POST',
        body: { code: code.trim() },
      });
      setEnrolment(null);
      setCodes(answer.recovery_codes);
      status.reload();
    });
  };
  const disable = (event: FormEvent<HTMLFormElement>) => {
    const code = codeOf(event);
    return run(async () => {
      await api('/api/v1/auth/totp/disable', { method: 'POST', body: secondFactor(code) });
      status.reload();
    });
  };
  const regenerate = (event: FormEvent<HTMLFormElement>) => {
    const code = codeOf(event);
    return run(async () => {
      const answer = await api<RecoveryCodes>('/api/v1/auth/totp/recovery-codes', {
        method: 'POST',
        body: secondFactor(code),
      });
      setCodes(answer.recovery_codes);
      status.reload();
    });
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('sec.totp')}</h2>
      {status.loading && !status.data ? <Loading /> : null}
      <ErrorMessage error={status.error} onRetry={status.reload} />
      {codes ? <RecoveryCodesPanel codes={codes} onDone={() => setCodes(null)} /> : null}
      {status.data?.enabled ? (
        <>
          <p>{t('sec.totpOn')}</p>
          <p className="muted">{t('sec.recoveryLeft', { count: status.data.recovery_codes_left })}</p>
          <form method="post" onSubmit={disable} aria-label={t('sec.turnOff')}>
            <CodeField id={`${id}-off`} label={t('sec.codeHelp')} />
            <button type="submit" className="danger" disabled={busy}>
              {t('sec.turnOff')}
            </button>
          </form>
          <form method="post" onSubmit={regenerate} aria-label={t('sec.newRecovery')}>
            <CodeField id={`${id}-again`} label={t('sec.codeHelp')} />
            <button type="submit" className="secondary" disabled={busy}>
              {t('sec.newRecovery')}
            </button>
          </form>
        </>
      ) : status.data ? (
        <>
          <p>{t('sec.totpOff')}</p>
          {enrolment ? (
            <EnrolmentForm id={id} enrolment={enrolment} busy={busy} onSubmit={confirm} />
          ) : (
            <button type="button" onClick={enrol} disabled={busy}>
              {t('sec.enrol')}
            </button>
          )}
        </>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

/** The recovery codes, shown once after enrolment or regeneration. */
function RecoveryCodesPanel({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <div role="region" aria-label={t('sec.recoveryTitle')} className="notice">
      <h3>{t('sec.recoveryTitle')}</h3>
      <p>{t('sec.recoveryHelp')}</p>
      <ul className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <CopyButton text={codes.join('\n')} />
      <button type="button" onClick={onDone}>
        {t('sec.recoveryDone')}
      </button>
    </div>
  );
}

/** The enrolment step: the QR code and key, and the code that turns 2FA on. */
function EnrolmentForm({
  id,
  enrolment,
  busy,
  onSubmit,
}: {
  id: string;
  enrolment: TotpEnrolment;
  busy: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}) {
  const { t } = useI18n();
  return (
    <form method="post" onSubmit={onSubmit} aria-label={t('sec.enrol')}>
      <p>{t('sec.scan')}</p>
      <img
        className="qr"
        width={200}
        height={200}
        alt={t('sec.qrAlt')}
        src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qr_code_svg)}`}
      />
      <p>
        {t('sec.secretKey')}: <code data-testid="totp-secret">{enrolment.secret}</code>
      </p>
      <CodeField id={`${id}-confirm`} label={t('auth.totpCode')} />
      <button type="submit" disabled={busy}>
        {t('sec.turnOn')}
      </button>
    </form>
  );
}
