'use client';

import { useI18n } from '@/lib/i18n';
import type { Locale } from '@/lib/messages';
import type { StrategyDecl } from '@/lib/types';

export type ParamDraft = Record<string, string>;

export function defaultDraft(strategy: StrategyDecl): ParamDraft {
  return Object.fromEntries(strategy.params.map((p) => [p.name, String(p.default)]));
}

/**
 * Checks every parameter against its declared range and type, and the strategy's constraints
 * (e.g. fast length < slow length). Returns the problems by parameter name (empty when valid).
 */
export function validateParams(
  strategy: StrategyDecl,
  draft: ParamDraft,
  t: ReturnType<typeof useI18n>['t'],
  locale: Locale,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const values: Record<string, number> = {};
  for (const p of strategy.params) {
    const raw = (draft[p.name] ?? '').trim();
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) errors[p.name] = t('lab.notNumber');
    else if (p.type === 'int' && !Number.isInteger(value)) errors[p.name] = t('lab.notInteger');
    else if (value < p.min || value > p.max) errors[p.name] = t('lab.outOfRange', { min: p.min, max: p.max });
    else values[p.name] = value;
  }
  for (const c of strategy.constraints) {
    const a = values[c.smaller];
    const b = values[c.larger];
    if (a !== undefined && b !== undefined && !(a < b)) errors[c.smaller] ??= c.message[locale];
  }
  return errors;
}

export function draftValues(draft: ParamDraft): Record<string, number> {
  return Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, Number(v)]));
}

/** One labelled number input per parameter, with its range as a hint and its error when invalid. */
export function ParamsForm({
  strategy,
  draft,
  onChange,
  errors,
  idPrefix = 'param',
}: {
  strategy: StrategyDecl;
  draft: ParamDraft;
  onChange: (draft: ParamDraft) => void;
  errors: Record<string, string>;
  idPrefix?: string;
}) {
  const { t, locale, num } = useI18n();
  return (
    <fieldset className="params">
      <legend>{t('lab.params')}</legend>
      <div className="form-grid">
        {strategy.params.map((p) => {
          const id = `${idPrefix}-${p.name}`;
          const error = errors[p.name];
          return (
            <div className="field" key={p.name}>
              <label htmlFor={id}>{p.label[locale]}</label>
              <input
                id={id}
                name={p.name}
                type="number"
                inputMode="decimal"
                min={p.min}
                max={p.max}
                step={p.step}
                value={draft[p.name] ?? ''}
                aria-invalid={error ? true : undefined}
                aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
                onChange={(e) => onChange({ ...draft, [p.name]: e.target.value })}
              />
              <small id={`${id}-hint`} className="muted">
                {t('lab.paramRange', { min: num(p.min, 4), max: num(p.max, 4), step: num(p.step, 4) })}
              </small>
              {error ? (
                <small id={`${id}-error`} className="field-error" role="alert">
                  {error}
                </small>
              ) : null}
            </div>
          );
        })}
      </div>
      <button type="button" className="link" onClick={() => onChange(defaultDraft(strategy))}>
        {t('lab.resetDefaults')}
      </button>
    </fieldset>
  );
}
