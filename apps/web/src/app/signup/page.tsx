'use client';

import { AuthFrame, SignUpForm } from '@/components/AuthForms';
import { useI18n } from '@/lib/i18n';

export default function Page() {
  const { t } = useI18n();
  return (
    <AuthFrame title={t('auth.signUp')}>
      <SignUpForm />
    </AuthFrame>
  );
}
