'use client';

import { signOut, useSession } from 'next-auth/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { signInFor } from './callback';
import { hardNavigate } from './navigate';

/** An error answer of the API: `{ detail, error: { code, message, details? } }`, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Set once a sign-out starts: by the user, or by the first of several calls refused at once. */
let signingOut = false;

/**
 * Ends the browser's session once and leaves for `destination`, after `first` (e.g. revoking the API
 * session). Once the API session is revoked, every poll still in flight answers 401; a second
 * Auth.js sign-out started by one of them would fetch a new CSRF token and void the first's
 * (MissingCSRF), so while one sign-out runs the others do nothing.
 */
export async function endBrowserSession(destination: string, first?: () => Promise<unknown>): Promise<void> {
  if (signingOut) return;
  signingOut = true;
  await first?.().catch(() => undefined);
  await signOut({ redirect: false });
  hardNavigate(destination);
}

/** Codes that mean the server no longer accepts the session token. */
const SESSION_GONE = new Set(['UNAUTHENTICATED', 'SESSION_EXPIRED', 'USER_NOT_FOUND']);

type CallInit = { method?: string; body?: unknown; headers?: Record<string, string> };

export type ApiCall = <T>(path: string, init?: CallInit) => Promise<T>;

/**
 * Calls the API (same origin) with the session's bearer token. When the server says the session is
 * gone, the user is signed out and sent to the sign-in page with a message.
 */
export function useApi(): ApiCall {
  const { data: session } = useSession();
  const token = session?.accessToken;
  return useCallback(
    async <T>(path: string, init: CallInit = {}): Promise<T> => {
      let response: Response;
      try {
        response = await fetch(path, {
          method: init.method ?? 'GET',
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...init.headers,
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        });
      } catch {
        throw new ApiError('NETWORK', '', 0);
      }
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      if (!response.ok) {
        const error = (
          body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
        )?.error;
        const code = error?.code ?? `HTTP_${response.status}`;
        if (response.status === 401 && SESSION_GONE.has(code))
          await endBrowserSession(
            signInFor(`${window.location.pathname}${window.location.search}`, 'expired=1'),
          );
        throw new ApiError(code, error?.message ?? response.statusText, response.status, error?.details);
      }
      return body as T;
    },
    [token],
  );
}

export type Resource<T> = {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** When the last answer arrived (ms), kept while later calls fail: "last fine at". */
  updatedAt: number | undefined;
  reload(): void;
};

/**
 * Loads a path (null = not yet), optionally polling every `refreshMs` while mounted, and again
 * whenever `refreshKey` changes (e.g. a live event about it arrived).
 */
export function useResource<T>(path: string | null, refreshMs?: number, refreshKey?: number): Resource<T> {
  const api = useApi();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(path !== null);
  const [updatedAt, setUpdatedAt] = useState<number>();
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    if (path === null) return;
    const mine = ++seq.current;
    setLoading(true);
    api<T>(path)
      .then((value) => {
        if (seq.current !== mine) return;
        setData(value);
        setError(undefined);
        setUpdatedAt(Date.now());
      })
      .catch((e: unknown) => {
        if (seq.current !== mine) return;
        setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
      })
      .finally(() => {
        if (seq.current === mine) setLoading(false);
      });
  }, [api, path, tick, refreshKey]);
  useEffect(() => {
    if (!refreshMs || path === null) return;
    // A hidden tab does not poll (many open tabs would spend the API's per-address rate limit);
    // it catches up as soon as it is shown again.
    const refresh = () => {
      if (document.visibilityState !== 'hidden') setTick((n) => n + 1);
    };
    const timer = setInterval(refresh, refreshMs);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, [refreshMs, path]);
  return { data, error, loading, updatedAt, reload: () => setTick((n) => n + 1) };
}

/**
 * Downloads an API path's CSV answer (`format=csv`) as a file. A plain link cannot send the
 * session's bearer token, so the file is fetched and handed to the browser as a blob.
 */
export function useCsvDownload(): (path: string, filename: string) => Promise<void> {
  const { data: session } = useSession();
  const token = session?.accessToken;
  return useCallback(
    async (path: string, filename: string) => {
      const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (!response.ok) throw new ApiError(`HTTP_${response.status}`, response.statusText, response.status);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    [token],
  );
}
