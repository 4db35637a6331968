'use client';

import Link from 'next/link';
import { LanguageSwitch } from '@/components/LanguageSwitch';
import { useI18n } from '@/lib/i18n';

/** Any address the app does not have: branded, in the user's language, with a way back. */
export default function NotFound() {
  const { t } = useI18n();
  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <div className="auth-head">
          <p className="brand">{t('app.name')}</p>
          <LanguageSwitch />
        </div>
        <h1>{t('nf.title')}</h1>
        <p>{t('nf.body')}</p>
        <p>
          <Link href="/">{t('nf.home')}</Link>
        </p>
      </div>
    </main>
  );
}
