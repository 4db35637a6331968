/**
 * Where to go after signing in: the page the user asked for before being sent to sign in, when it
 * is a page of this site. Never another origin (`//evil.example`, `/\evil`, `https://…`), never the
 * sign-in pages themselves or the API.
 */
export function safeCallback(callbackUrl: string | null | undefined): string {
  if (!callbackUrl) return '/';
  const path = callbackUrl;
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/';
  if (/^\/(signin|signup|api)(\/|\?|$)/.test(path)) return '/';
  if (/[\u0000-\u001f]/.test(path)) return '/';
  return path;
}

/** The sign-in page's address that returns to `path` afterwards. */
export function signInFor(path: string | null | undefined, extra = ''): string {
  const target = safeCallback(path);
  const query = [extra, target === '/' ? '' : `callbackUrl=${encodeURIComponent(target)}`]
    .filter(Boolean)
    .join('&');
  return query ? `/signin?${query}` : '/signin';
}
