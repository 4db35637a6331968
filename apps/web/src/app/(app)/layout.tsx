import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { auth } from '@/auth';
import { Shell } from '@/components/Shell';
import { signInFor } from '@/lib/callback';

/**
 * Every page in this group needs a session; an expired one goes back to sign-in with a message.
 * Sign-in returns to the page asked for (the server passes its path in `x-tradingbot-path`).
 */
export default async function ProtectedLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  const asked = (await headers()).get('x-tradingbot-path');
  if (!session?.accessToken) redirect(signInFor(asked));
  if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now())
    redirect(signInFor(asked, 'expired=1'));
  return <Shell email={session.user?.email ?? ''}>{children}</Shell>;
}
