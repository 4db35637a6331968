'use client';

import { useCallback, useState } from 'react';
import { ApiError } from './api';
import { useI18n } from './i18n';
import type { MessageKey } from './messages';

/**
 * One validation issue as the API reports it in `error.details.issues` (apps/server/src/app.ts):
 * the field's path inside the body or query (`api_key`, `options.leverage`), zod's issue code and,
 * for bounds, the limit — enough to word the message in the user's language.
 */
export type FieldIssue = {
  field: string;
  message: string;
  code?: string;
  minimum?: number;
  maximum?: number;
  origin?: string;
  expected?: string;
  format?: string;
};

/** Per form: a field's own message key for an issue code (`custom` refinements above all). */
export type IssueOverrides = Partial<Record<string, Partial<Record<string, MessageKey>>>>;

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The validation issues of an API error (none for any other error). */
export function issuesOf(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return [];
  const issues = error.details?.['issues'];
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is FieldIssue =>
      typeof issue === 'object' && issue !== null && typeof (issue as FieldIssue).field === 'string',
  );
}

/** An issue in words of the user's language; the API's English message only as a last resort. */
export function describeIssue(t: Translate, issue: FieldIssue, overrides: IssueOverrides = {}): string {
  const own = overrides[issue.field]?.[issue.code ?? ''] ?? overrides[issue.field]?.['*'];
  if (own) return t(own, { min: issue.minimum ?? '', max: issue.maximum ?? '' });
  const { code, origin, minimum, maximum } = issue;
  if (code === 'invalid_type') {
    if (/received undefined/.test(issue.message)) return t('form.required');
    if (issue.expected === 'int') return t('form.integer');
    if (issue.expected === 'number') return t('form.number');
    return t('form.invalid');
  }
  if (code === 'too_small' && minimum !== undefined) {
    if (origin === 'string') return minimum <= 1 ? t('form.required') : t('form.tooShort', { min: minimum });
    if (origin === 'array' || origin === 'set') return t('form.tooFew', { min: minimum });
    return t('form.min', { min: minimum });
  }
  if (code === 'too_big' && maximum !== undefined) {
    if (origin === 'string') return t('form.tooLong', { max: maximum });
    if (origin === 'array' || origin === 'set') return t('form.tooMany', { max: maximum });
    return t('form.max', { max: maximum });
  }
  if (code === 'invalid_format' && issue.format === 'email') return t('form.email');
  if (code === 'invalid_value') return t('form.choice');
  return t('form.invalid');
}

/** The `id` of a field's error text, for `aria-describedby`. */
export const fieldErrorId = (formId: string, field: string) => `${formId}-${field.replace(/\W/g, '_')}-error`;

/**
 * The one helper every form uses for its field errors: required fields found empty before sending,
 * the API's validation issues mapped to their fields (translated), the input's `aria-invalid` and
 * `aria-describedby`, and a field's error cleared as soon as it is changed. `fromError` answers
 * whether every issue found its field, so a form shows a general banner only for what is left.
 */
export function useFieldErrors<F extends string>(
  formId: string,
  fields: readonly F[],
  overrides?: IssueOverrides,
) {
  const { t } = useI18n();
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});

  const isField = useCallback(
    (name: string): name is F => (fields as readonly string[]).includes(name),
    [fields],
  );

  /** Marks the empty required fields; true when there were any (the form then does not send). */
  const requireFilled = (values: Partial<Record<F, string>>, required: readonly F[]): boolean => {
    const next: Partial<Record<F, string>> = {};
    for (const field of required) if (!(values[field] ?? '').trim()) next[field] = t('form.required');
    setErrors(next);
    return Object.keys(next).length > 0;
  };

  /** Puts the API's validation issues next to their fields; true when none was left unplaced. */
  const fromError = (error: unknown): boolean => {
    const issues = issuesOf(error);
    if (issues.length === 0) return false;
    const next: Partial<Record<F, string>> = {};
    let placed = 0;
    for (const issue of issues) {
      if (!isField(issue.field)) continue;
      placed += 1;
      next[issue.field] ??= describeIssue(t, issue, overrides);
    }
    setErrors(next);
    return placed === issues.length;
  };

  const set = (field: F, message: string | undefined) =>
    setErrors((current) => {
      const next = { ...current };
      if (message === undefined) delete next[field];
      else next[field] = message;
      return next;
    });

  /** Forget one field's error (on change), or all of them (on a new choice that changes the form). */
  const clear = (field?: F) => {
    if (field === undefined) setErrors({});
    else if (errors[field] !== undefined) set(field, undefined);
  };

  /** The attributes a field's input carries. */
  const inputProps = (field: F, describedBy?: string) => {
    const error = errors[field];
    const ids = [describedBy, error ? fieldErrorId(formId, field) : undefined].filter(Boolean).join(' ');
    return {
      'aria-invalid': error ? (true as const) : undefined,
      'aria-describedby': ids || undefined,
    };
  };

  return { errors, requireFilled, fromError, set, clear, inputProps };
}

export type FieldErrors<F extends string> = ReturnType<typeof useFieldErrors<F>>;
