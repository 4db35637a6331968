/**
 * A full page navigation. Used after signing in or out: the next page is rendered by the server
 * with the new session cookie, and no client-side router cache from the previous session survives.
 */
export function hardNavigate(url: string): void {
  window.location.assign(url);
}
