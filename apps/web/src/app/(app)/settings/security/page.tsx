'use client';

import { useI18n } from '@/lib/i18n';
import { PasswordSection } from './PasswordSection';
import { SessionsSection } from './SessionsSection';
import { TotpSection } from './TotpSection';

/** Account security: two-factor authentication, the password, and the signed-in sessions. */
export default function SecurityPage() {
  const { t } = useI18n();
  return (
    <div className="page">
      <h1>{t('sec.title')}</h1>
      <TotpSection />
      <PasswordSection />
      <SessionsSection />
    </div>
  );
}
