import { redirect } from 'next/navigation';
import { auth } from '@/auth';
import { safeCallback } from '@/lib/callback';
import { SignInPage } from './SignInPage';

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const session = await auth();
  const expired = params.expired !== undefined;
  if (session?.accessToken && !expired && !(session.expiresAt && Date.parse(session.expiresAt) <= Date.now()))
    redirect(safeCallback(params.callbackUrl));
  return (
    <SignInPage
      notice={expired ? 'expired' : params.signedOut !== undefined ? 'signedOut' : undefined}
      callbackUrl={safeCallback(params.callbackUrl)}
    />
  );
}
