'use client';

import type { Session } from 'next-auth';
import { SessionProvider } from 'next-auth/react';
import type { ReactNode } from 'react';
import { I18nProvider } from '@/lib/i18n';
import type { Locale } from '@/lib/messages';

export function Providers({
  locale,
  session,
  children,
}: {
  locale: Locale;
  session: Session | null;
  children: ReactNode;
}) {
  return (
    <SessionProvider session={session}>
      <I18nProvider initialLocale={locale}>{children}</I18nProvider>
    </SessionProvider>
  );
}
