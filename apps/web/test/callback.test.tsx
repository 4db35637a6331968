import { describe, expect, it } from 'vitest';
import { safeCallback, signInFor } from '@/lib/callback';

describe('safeCallback', () => {
  it('keeps a page of this site, query included', () => {
    expect(safeCallback('/lab?strategy=ema')).toBe('/lab?strategy=ema');
    expect(safeCallback('/signals/abc')).toBe('/signals/abc');
  });

  it('refuses other origins, the sign-in pages and the API', () => {
    for (const bad of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '/signin?callbackUrl=/lab',
      '/signup',
      '/api/auth/signout',
      '/lab\nx',
      '',
      undefined,
    ])
      expect(safeCallback(bad)).toBe('/');
  });

  it('builds the sign-in address that comes back', () => {
    expect(signInFor('/lab')).toBe('/signin?callbackUrl=%2Flab');
    expect(signInFor('/', 'expired=1')).toBe('/signin?expired=1');
    expect(signInFor('/export', 'expired=1')).toBe('/signin?expired=1&callbackUrl=%2Fexport');
    expect(signInFor(null)).toBe('/signin');
  });
});
