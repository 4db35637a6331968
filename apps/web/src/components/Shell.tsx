'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useSession } from 'next-auth/react';
import { useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '@/lib/i18n';
import { endBrowserSession } from '@/lib/api';
import type { MessageKey } from '@/lib/messages';
import { LanguageSwitch } from './LanguageSwitch';
import { ThemeSwitch } from './ThemeSwitch';

const LINKS: [string, MessageKey][] = [
  ['/', 'nav.dashboard'],
  ['/accounts', 'nav.accounts'],
  ['/lab', 'nav.lab'],
  ['/export', 'nav.export'],
  ['/signals', 'nav.signals'],
  ['/bots', 'nav.bots'],
  ['/history', 'nav.history'],
  ['/notifications', 'nav.notifications'],
  ['/settings/security', 'nav.security'],
];

export function Shell({ email, children }: { email: string; children: ReactNode }) {
  const { t } = useI18n();
  const pathname = usePathname();
  const { data: session } = useSession();
  // On a phone the navigation folds behind a menu button; a page change folds it again.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [pathname]);
  // Revoke the API session too, then end the Auth.js session. Navigate ourselves: Auth.js would send
  // the browser to its own idea of the origin (Next turns 127.0.0.1 into localhost), and this app must
  // stay on the address the user opened.
  const onSignOut = () =>
    endBrowserSession('/signin?signedOut=1', async () => {
      if (!session?.accessToken) return;
      await fetch('/api/v1/auth/logout', {
        method: 'POST',
        headers: { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' },
        body: '{}',
      });
    });
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          {t('app.name')}
        </Link>
        <button
          type="button"
          className="menu-button secondary"
          aria-expanded={menuOpen}
          aria-controls="main-menu"
          onClick={() => setMenuOpen((open) => !open)}
        >
          {t('nav.openMenu')}
        </button>
        <div id="main-menu" className={`menu${menuOpen ? ' open' : ''}`}>
          <nav aria-label={t('nav.menu')}>
            <ul className="navlinks">
              {LINKS.map(([href, key]) => {
                const current = href === '/' ? pathname === '/' : pathname.startsWith(href);
                return (
                  <li key={href}>
                    <Link href={href} aria-current={current ? 'page' : undefined}>
                      {t(key)}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="topbar-end">
            <LanguageSwitch />
            <ThemeSwitch />
            <span className="muted small" title={email}>
              {email}
            </span>
            <button type="button" className="secondary" onClick={onSignOut}>
              {t('nav.signOut')}
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
