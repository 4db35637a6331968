'use client';

import { useState, type ReactNode } from 'react';
import { useI18n } from '@/lib/i18n';
import type { ApiError } from '@/lib/api';
import type { MessageKey } from '@/lib/messages';
import { fieldErrorId } from '@/lib/field-errors';

/** The API's message for an error (it is written for people), or a translated network message. */
export function ErrorMessage({
  error,
  onRetry,
}: {
  error: ApiError | Error | undefined;
  onRetry?: () => void;
}) {
  const { t } = useI18n();
  if (!error) return null;
  const code = (error as ApiError).code;
  const text = code === 'NETWORK' ? t('err.network') : error.message || t('common.error');
  return (
    <div role="alert" className="error">
      <span>{text}</span>
      {code && code !== 'NETWORK' ? <code className="code">{code}</code> : null}
      {onRetry ? (
        <button type="button" className="link" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p role="status" className="muted">
      {t('common.loading')}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
        } catch {
          // Clipboard refused (insecure origin): select-and-copy by hand still works on the shown text.
        }
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? t('common.copied') : (label ?? t('common.copy'))}
    </button>
  );
}

export function downloadText(filename: string, text: string, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const STATUS_KEYS: Record<string, MessageKey> = {
  received: 'status.received',
  executing: 'status.executing',
  executed: 'status.executed',
  failed: 'status.failed',
  rejected: 'status.rejected',
  nothing_to_do: 'status.nothing_to_do',
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = STATUS_KEYS[status];
  return <span className={`badge status-${status}`}>{key ? t(key) : status}</span>;
}

/** Pretty JSON in a box that scrolls; focusable, so a keyboard can scroll it too (axe: scrollable-region-focusable). */
export function Json({ value }: { value: unknown }) {
  return (
    <pre className="json" tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** A field's error text, under its input (which names it in `aria-describedby`, see useFieldErrors). */
export function FieldError({
  formId,
  field,
  error,
}: {
  formId: string;
  field: string;
  error?: string | undefined;
}) {
  if (!error) return null;
  return (
    <small id={fieldErrorId(formId, field)} className="field-error">
      {error}
    </small>
  );
}
