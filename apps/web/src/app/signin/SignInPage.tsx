'use client';

import { AuthFrame, SignInForm } from '@/components/AuthForms';
import { useI18n } from '@/lib/i18n';

export function SignInPage({
  notice,
  callbackUrl,
}: {
  notice?: 'expired' | 'signedOut' | undefined;
  callbackUrl?: string | undefined;
}) {
  const { t } = useI18n();
  return (
    <AuthFrame title={t('auth.signIn')}>
      <SignInForm notice={notice} callbackUrl={callbackUrl} />
    </AuthFrame>
  );
}
