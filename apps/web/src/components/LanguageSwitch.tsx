'use client';

import { useRouter } from 'next/navigation';
import { useI18n } from '@/lib/i18n';
import type { Locale } from '@/lib/messages';

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  const router = useRouter();
  return (
    <label className="lang">
      <span className="sr-only">{t('nav.language')}</span>
      <select
        aria-label={t('nav.language')}
        value={locale}
        onChange={(event) => {
          setLocale(event.target.value as Locale);
          // Server-rendered parts (the root layout's lang attribute) follow on the next render.
          router.refresh();
        }}
      >
        <option value="en">English</option>
        <option value="ko">한국어</option>
      </select>
    </label>
  );
}
