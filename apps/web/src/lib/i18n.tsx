'use client';

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { translate, type Locale, type MessageKey } from './messages';

export type I18n = {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** A number in the locale's format; null/undefined/non-finite as a dash. */
  num(value: number | string | null | undefined, digits?: number): string;
  /** Epoch ms or ISO string as a date and time in the locale's format. */
  dateTime(value: number | string | null | undefined): string;
  date(value: number | string | null | undefined): string;
};

const I18nContext = createContext<I18n | null>(null);

export const LOCALE_COOKIE = 'lang';

export function makeI18n(locale: Locale, setLocale: (locale: Locale) => void = () => {}): I18n {
  const intlLocale = locale === 'ko' ? 'ko-KR' : 'en-US';
  const dash = '—';
  const toDate = (value: number | string) => new Date(value);
  return {
    locale,
    setLocale,
    t: (key, vars) => translate(locale, key, vars),
    num(value, digits = 2) {
      const n = typeof value === 'string' ? Number(value) : value;
      if (n === null || n === undefined || !Number.isFinite(n)) return dash;
      return new Intl.NumberFormat(intlLocale, {
        minimumFractionDigits: 0,
        maximumFractionDigits: digits,
      }).format(n);
    },
    dateTime(value) {
      if (value === null || value === undefined || value === '') return dash;
      return new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeStyle: 'short' }).format(
        toDate(value),
      );
    },
    date(value) {
      if (value === null || value === undefined || value === '') return dash;
      return new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium' }).format(toDate(value));
    },
  };
}

export function I18nProvider({ initialLocale, children }: { initialLocale: Locale; children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.lang = next;
    setLocaleState(next);
  }, []);
  const value = useMemo(() => makeI18n(locale, setLocale), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (value === null) throw new Error('useI18n outside I18nProvider');
  return value;
}
