import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { auth } from '@/auth';
import { Shell } from '@/components/Shell';

/** Every page in this group needs a session; an expired one goes back to sign-in with a message. */
export default async function ProtectedLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  if (!session?.accessToken) redirect('/signin');
  if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) redirect('/signin?expired=1');
  return <Shell email={session.user?.email ?? ''}>{children}</Shell>;
}
