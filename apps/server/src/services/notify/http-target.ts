import { isIP } from 'node:net';

/**
 * Users choose where Discord and outgoing-webhook messages are posted, so the server would post
 * wherever they say: unless the operator allows it (NOTIFY_ALLOW_PRIVATE_TARGETS, on outside
 * production), an address on loopback, a private network or link-local is refused when the
 * channel is saved. Only literal addresses and `localhost` are recognised (no DNS lookup).
 */
export function targetUrlProblem(text: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at this server';
  if (isIP(host) !== 0 && isPrivateAddress(host)) return 'must not point at a private or loopback address';
  return null;
}

function isPrivateAddress(ip: string): boolean {
  if (ip.includes(':')) {
    const lower = ip.toLowerCase();
    if (lower === '::1' || lower === '::') return true;
    if (lower.startsWith('::ffff:')) return isPrivateAddress(mappedIpv4(lower.slice(7)));
    return /^(fc|fd|fe8|fe9|fea|feb)/.test(lower);
  }
  const [a = 0, b = 0] = ip.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** The IPv4 address in an IPv4-mapped IPv6 address's tail (`7f00:1`, as URL writes it, or `127.0.0.1`). */
function mappedIpv4(tail: string): string {
  if (tail.includes('.')) return tail;
  const [high = 0, low = 0] = tail.split(':').map((part) => parseInt(part, 16));
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Milliseconds from a `Retry-After` header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterHeaderMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A send that did not reach the service (refused connection, timeout): worth retrying; the URL is never in the reason. */
export function networkFailure(error: unknown): { ok: false; permanent: false; reason: string } {
  const name = error instanceof Error ? error.name : '';
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  return {
    ok: false,
    permanent: false,
    reason: timedOut ? 'the service did not answer in time' : 'the service could not be reached',
  };
}
