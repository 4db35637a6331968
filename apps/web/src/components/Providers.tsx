'use client';

import type { Session } from 'next-auth';
import { SessionProvider } from 'next-auth/react';
import { useEffect, type ReactNode } from 'react';
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
  // Marks the page interactive (end-to-end tests wait for it before typing into forms).
  useEffect(() => {
    document.documentElement.dataset.hydrated = '1';
  }, []);
  return (
    <SessionProvider session={session}>
      <I18nProvider initialLocale={locale}>{children}</I18nProvider>
    </SessionProvider>
  );
}
