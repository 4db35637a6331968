'use client';

import type { Session } from 'next-auth';
import { SessionProvider } from 'next-auth/react';
import { useEffect, type ReactNode } from 'react';
import { I18nProvider } from '@/lib/i18n';
import type { Locale } from '@/lib/messages';
import { ThemeProvider } from '@/lib/theme';
import type { ThemeChoice } from '@/lib/theme-choice';

export function Providers({
  locale,
  theme = 'system',
  session,
  children,
}: {
  locale: Locale;
  theme?: ThemeChoice;
  session: Session | null;
  children: ReactNode;
}) {
  // Marks the page interactive (end-to-end tests wait for it before typing into forms).
  useEffect(() => {
    document.documentElement.dataset.hydrated = '1';
  }, []);
  return (
    <SessionProvider session={session}>
      <ThemeProvider initial={theme}>
        <I18nProvider initialLocale={locale}>{children}</I18nProvider>
      </ThemeProvider>
    </SessionProvider>
  );
}
