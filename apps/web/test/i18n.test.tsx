import { describe, expect, it } from 'vitest';
import { makeI18n } from '@/lib/i18n';
import { en, ko, pickLocale, term, type MessageKey } from '@/lib/messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('has every English string in Korean, non-empty, with the same placeholders', () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(ko[key], key).toBeTruthy();
      expect(placeholders(ko[key]), key).toEqual(placeholders(en[key]));
    }
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
  });

  it("defaults to the browser's preferred language among Korean and English", () => {
    expect(pickLocale('ko-KR,ko;q=0.9,en-US;q=0.8')).toBe('ko');
    expect(pickLocale('en-US,en;q=0.9,ko;q=0.8')).toBe('en');
    expect(pickLocale('fr-FR,fr;q=0.9,ko;q=0.5')).toBe('ko');
    expect(pickLocale('en;q=0.4,ko;q=0.6')).toBe('ko');
    expect(pickLocale('de')).toBe('en');
    expect(pickLocale(null)).toBe('en');
  });

  it('formats numbers and dates for the locale', () => {
    expect(makeI18n('en').num(1234.567, 2)).toBe('1,234.57');
    expect(makeI18n('ko').num(1234.5)).toBe('1,234.5');
    expect(makeI18n('en').num(null)).toBe('—');
    const when = Date.UTC(2026, 0, 15, 12, 0);
    expect(makeI18n('ko').date(when)).toMatch(/2026\. 1\. 1[56]\./);
    expect(makeI18n('en').date(when)).toMatch(/Jan 1[56], 2026/);
  });

  it('puts API values into words', () => {
    expect(term('ko', 'sl')).toBe('손절');
    expect(term('en', 'stop_market')).toBe('Stop market');
    expect(term('en', 'something_new')).toBe('something_new');
  });
});
