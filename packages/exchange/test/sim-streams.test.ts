import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { listenSimulator, type ListeningSimulator } from '../src/sim/server.ts';
import { isTextPing, parseFrame, StreamHub, type StreamHubOptions } from '../src/sim/streams.ts';

/*
 * The simulators' shared stream plumbing (sim/streams.ts), through real sockets: an HTTP server on
 * an ephemeral loopback port whose upgrades the hub accepts, and `ws` clients.
 */

type Meta = { name: string };

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A server whose upgrades the hub takes; `/refuse` is answered 404; the path's last part names the connection. */
async function serve(
  options?: StreamHubOptions,
): Promise<{ hub: StreamHub<Meta>; server: ListeningSimulator; accepted: WebSocket[] }> {
  const hub = new StreamHub<Meta>(options);
  const accepted: WebSocket[] = [];
  const server = await listenSimulator(
    async (_req, res) => {
      res.writeHead(404).end();
    },
    0,
    '127.0.0.1',
    (req, socket, head) => {
      const path = req.url ?? '/';
      if (path === '/refuse') return StreamHub.refuse(socket, 404, 'Not Found');
      void hub
        .accept(req, socket, head, { name: path.slice(1) })
        .then((ws) => {
          accepted.push(ws);
          ws.on('message', (data, isBinary) => {
            if (isTextPing(data, isBinary)) hub.send(ws, 'pong');
          });
        })
        .catch(() => {});
    },
  );
  cleanup.push(async () => {
    await hub.close();
    await server.close();
  });
  return { hub, server, accepted };
}

type Client = { ws: WebSocket; messages: string[]; closed: Promise<number>; next(): Promise<string> };

async function connect(server: ListeningSimulator, name: string, options?: ClientOptions): Promise<Client> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/${name}`, options);
  const messages: string[] = [];
  const waiters: ((message: string) => void)[] = [];
  ws.on('message', (data) => {
    const text = data.toString();
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(text);
    else messages.push(text);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  cleanup.push(async () => {
    ws.terminate();
  });
  return {
    ws,
    messages,
    closed,
    next: () =>
      messages.length > 0
        ? Promise.resolve(messages.shift() as string)
        : new Promise<string>((resolve) => waiters.push(resolve)),
  };
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('StreamHub', () => {
  it('tracks connections with their meta and sends JSON to one or to those a filter keeps', async () => {
    const { hub, server } = await serve();
    const a = await connect(server, 'a');
    const b = await connect(server, 'b');
    await until(() => hub.size === 2);
    expect(
      hub
        .list()
        .map((ws) => hub.meta(ws)?.name)
        .sort(),
    ).toEqual(['a', 'b']);

    expect(hub.broadcast({ e: 'hello', n: 1 })).toBe(2);
    expect(JSON.parse(await a.next())).toEqual({ e: 'hello', n: 1 });
    expect(JSON.parse(await b.next())).toEqual({ e: 'hello', n: 1 });

    expect(hub.broadcast({ only: 'b' }, (meta) => meta.name === 'b')).toBe(1);
    expect(JSON.parse(await b.next())).toEqual({ only: 'b' });
    const [onlyA] = hub.list((meta) => meta.name === 'a');
    hub.send(onlyA as WebSocket, 'plain text');
    expect(await a.next()).toBe('plain text');
    expect(a.messages).toEqual([]);

    a.ws.close();
    await until(() => hub.size === 1);
  });

  it('refuses an upgrade with an HTTP status', async () => {
    const { server } = await serve();
    await expect(connect(server, 'refuse')).rejects.toThrow(/404/);
  });

  it('drop ends every connection abruptly (no close frame: 1006) and the client can reconnect', async () => {
    const { hub, server } = await serve();
    const a = await connect(server, 'a');
    const b = await connect(server, 'b');
    await until(() => hub.size === 2);
    expect(hub.control({ action: 'drop' })).toEqual({ status: 200, body: { action: 'drop', dropped: 2 } });
    expect(await a.closed).toBe(1006);
    expect(await b.closed).toBe(1006);
    expect(hub.size).toBe(0);
    const again = await connect(server, 'a');
    await until(() => hub.size === 1);
    hub.broadcast({ back: true });
    expect(JSON.parse(await again.next())).toEqual({ back: true });
  });

  it('delay with ms delivers each message that much later, in order; resume delivers the rest at once', async () => {
    const { hub, server } = await serve();
    const a = await connect(server, 'a');
    await until(() => hub.size === 1);
    expect(hub.control({ action: 'delay', ms: 150 })).toEqual({
      status: 200,
      body: { action: 'delay', ms: 150 },
    });
    const sentAt = Date.now();
    hub.broadcast({ n: 1 });
    hub.broadcast({ n: 2 });
    await new Promise((r) => setTimeout(r, 60));
    expect(a.messages).toEqual([]);
    expect(JSON.parse(await a.next())).toEqual({ n: 1 });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(140);
    expect(JSON.parse(await a.next())).toEqual({ n: 2 });

    // without ms: held until resume
    hub.control({ action: 'delay' });
    expect(hub.delayed).toBe(true);
    hub.broadcast({ n: 3 });
    hub.broadcast({ n: 4 });
    await new Promise((r) => setTimeout(r, 100));
    expect(a.messages).toEqual([]);
    expect(hub.control({ action: 'resume' })).toEqual({
      status: 200,
      body: { action: 'resume', released: 2 },
    });
    expect(JSON.parse(await a.next())).toEqual({ n: 3 });
    expect(JSON.parse(await a.next())).toEqual({ n: 4 });
    hub.broadcast({ n: 5 });
    expect(JSON.parse(await a.next())).toEqual({ n: 5 });
  });

  it('answers a bad control body with 400', async () => {
    const { hub } = await serve();
    expect(hub.control({ action: 'explode' }).status).toBe(400);
    expect(hub.control({ action: 'delay', ms: -5 }).status).toBe(400);
    expect(hub.control({ action: 'delay', ms: 'soon' }).status).toBe(400);
    expect(hub.delayed).toBe(false);
  });

  it('pings: a client that answers stays, one that does not is cut off', async () => {
    const { hub, server } = await serve({ pingIntervalMs: 150 });
    const answering = await connect(server, 'pong');
    let pings = 0;
    answering.ws.on('ping', () => (pings += 1));
    const silent = await connect(server, 'silent', { autoPong: false });
    expect(await silent.closed).toBe(1006);
    await until(() => pings >= 2);
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    expect(hub.list().map((ws) => hub.meta(ws)?.name)).toEqual(['pong']);
  });

  it('an idle limit ends a connection that sends nothing; a text ping keeps one alive', async () => {
    const { server } = await serve({ idleTimeoutMs: 400 });
    const idle = await connect(server, 'idle');
    const busy = await connect(server, 'busy');
    const keepAlive = setInterval(() => busy.ws.send('ping'), 50);
    cleanup.push(async () => clearInterval(keepAlive));
    const started = Date.now();
    expect(await idle.closed).toBe(1006);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(await busy.next()).toBe('pong');
    expect(busy.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('close sends 1001 to every client, refuses new connections, and the server closes', async () => {
    const { hub, server } = await serve();
    const a = await connect(server, 'a');
    await until(() => hub.size === 1);
    await hub.close();
    expect(await a.closed).toBe(1001);
    await expect(connect(server, 'late')).rejects.toThrow();
  });
});

describe('frame helpers', () => {
  it('parseFrame reads JSON text frames and nothing else', () => {
    expect(parseFrame(Buffer.from('{"op":"login"}'), false)).toEqual({ op: 'login' });
    expect(parseFrame(Buffer.from('{not json'), false)).toBeUndefined();
    expect(parseFrame(Buffer.from('{"op":1}'), true)).toBeUndefined();
    expect(isTextPing(Buffer.from('ping'), false)).toBe(true);
    expect(isTextPing(Buffer.from('ping'), true)).toBe(false);
    expect(isTextPing(Buffer.from('pong'), false)).toBe(false);
  });
});
