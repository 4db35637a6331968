import type { Metadata, Viewport } from 'next';
import { cookies, headers } from 'next/headers';
import type { ReactNode } from 'react';
import { auth } from '@/auth';
import { Providers } from '@/components/Providers';
import { LOCALES, pickLocale, type Locale } from '@/lib/messages';
import { isThemeChoice, THEME_COOKIE, type ThemeChoice } from '@/lib/theme-choice';
// Self-hosted Noto Sans KR (Latin, Korean and symbols such as Ⓢ), split by unicode-range: the browser
// fetches only the slices a page uses, so Korean renders the same without fonts on the machine.
import '@fontsource/noto-sans-kr/400.css';
import '@fontsource/noto-sans-kr/700.css';
import './globals.css';

export const metadata: Metadata = {
  title: 'TradingBot AI',
  description: 'TradingView signals to Binance and OKX futures orders',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

/** The language: the user's choice (cookie), else the browser's preference. */
async function currentLocale(): Promise<Locale> {
  const chosen = (await cookies()).get('lang')?.value;
  if (chosen && (LOCALES as readonly string[]).includes(chosen)) return chosen as Locale;
  return pickLocale((await headers()).get('accept-language'));
}

/** The colour theme the user chose (cookie), else the system's. */
async function currentTheme(): Promise<ThemeChoice> {
  const chosen = (await cookies()).get(THEME_COOKIE)?.value;
  return isThemeChoice(chosen) ? chosen : 'system';
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await currentLocale();
  const theme = await currentTheme();
  const session = await auth();
  return (
    <html lang={locale} data-theme={theme === 'system' ? undefined : theme}>
      <body>
        <Providers locale={locale} theme={theme} session={session}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
