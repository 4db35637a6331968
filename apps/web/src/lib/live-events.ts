'use client';

import { useSession } from 'next-auth/react';
import { useEffect, useRef, useState } from 'react';

/** An event of `GET /api/v1/events` (the caller's own: fills, positions, signals, orders, stops, stream status). */
export type LiveEvent = {
  event: 'fill' | 'position' | 'signal' | 'order' | 'protection' | 'stream';
  data: { accountId?: string } & Record<string, unknown>;
};

/** Splits a text/event-stream buffer into complete events; returns them and the incomplete rest. */
export function parseEventStream(buffer: string): { events: LiveEvent[]; rest: string } {
  const events: LiveEvent[] = [];
  const frames = buffer.split('\n\n');
  const rest = frames.pop() ?? '';
  for (const frame of frames) {
    let name: string | undefined;
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) name = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (!name || data.length === 0) continue;
    try {
      events.push({
        event: name as LiveEvent['event'],
        data: JSON.parse(data.join('\n')) as LiveEvent['data'],
      });
    } catch {
      // a frame that is not JSON is skipped
    }
  }
  return { events, rest };
}

/**
 * Subscribes to the server's live events while mounted: `fetch` reads the SSE stream with the
 * session's bearer token (EventSource cannot send it), and reconnects with a growing delay when it
 * ends. Returns whether the stream is connected; callers keep their polling as the fallback.
 */
export function useLiveEvents(onEvent: (event: LiveEvent) => void): boolean {
  const { data: session } = useSession();
  const token = session?.accessToken;
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!token) return;
    const controller = new AbortController();
    let delay = 1_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      try {
        const response = await fetch('/api/v1/events', {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        setConnected(true);
        delay = 1_000;
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const parsed = parseEventStream(buffer);
          buffer = parsed.rest;
          for (const event of parsed.events) handler.current(event);
        }
      } catch {
        // network error, 401 (the API's own calls sign out), or aborted
      }
      setConnected(false);
      if (controller.signal.aborted) return;
      timer = setTimeout(() => void connect(), delay);
      delay = Math.min(delay * 2, 30_000);
    };
    void connect();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [token]);
  return connected;
}
