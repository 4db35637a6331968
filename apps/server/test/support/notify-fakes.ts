import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * Local stand-ins for the services notifications go to, speaking their real protocols on 127.0.0.1:
 * a Discord webhook endpoint (JSON `{content, embeds}`, 429 with `retry_after`), an SMTP server
 * (smtp-server; messages parsed by mailparser) and an outgoing-webhook receiver that verifies the
 * `X-TradingBot-Signature` like a user's tool would. Every message any fake receives is also kept in
 * `everything` so a test can assert over all of them.
 */
export const everything: string[] = [];

export type Received = {
  path: string;
  body: Record<string, unknown>;
  at: number;
  headers: IncomingMessage['headers'];
};

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

type Scripted = { status: number; body?: unknown; headers?: Record<string, string> };

/** A Discord "execute webhook" endpoint: POST /api/webhooks/{id}/{token}; `script(path, …)` queues answers. */
export class FakeDiscord {
  readonly received: Received[] = [];
  /** Every request, answered 2xx or not. */
  readonly requests: Received[] = [];
  readonly #scripts = new Map<string, Scripted[]>();
  readonly #server = createServer((request, response) => void this.#handle(request, response));
  port = 0;

  async start(): Promise<this> {
    this.port = await listen(this.#server);
    return this;
  }

  url(id: string, token = `tok-${id}-secretpart`): string {
    return `http://127.0.0.1:${this.port}/api/webhooks/${id}/${token}`;
  }

  script(path: string, ...answers: Scripted[]): void {
    this.#scripts.set(path, [...(this.#scripts.get(path) ?? []), ...answers]);
  }

  for(id: string): Received[] {
    return this.received.filter((r) => r.path.startsWith(`/api/webhooks/${id}/`));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const path = request.url ?? '';
    const entry = {
      path,
      body: JSON.parse(text) as Record<string, unknown>,
      at: Date.now(),
      headers: request.headers,
    };
    this.requests.push(entry);
    const id = /^\/api\/webhooks\/([^/]+)\//.exec(path)?.[1] ?? '';
    const answer = this.#scripts.get(id)?.shift();
    if (answer && answer.status !== 204) {
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body ?? {}));
      return;
    }
    everything.push(text);
    this.received.push(entry);
    response.writeHead(204).end();
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** Verifies `t=…,v1=…` over `t + "." + body` with the channel's secret, refusing a timestamp older than 5 minutes. */
export function verifySignature(
  header: string | undefined,
  body: string,
  secret: string,
  nowMs = Date.now(),
): boolean {
  const parts = Object.fromEntries(
    (header ?? '').split(',').map((part) => part.split('=') as [string, string]),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowMs / 1000 - t) > 300 || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A user's tool receiving the outgoing webhook: answers 401 to a bad signature, as documented. */
export class WebhookReceiver {
  readonly received: (Received & { verified: boolean })[] = [];
  readonly secrets = new Map<string, string>();
  readonly #server = createServer((request, response) => void this.#handle(request, response));
  port = 0;

  async start(): Promise<this> {
    this.port = await listen(this.#server);
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}/hooks/${path}`;
  }

  for(path: string) {
    return this.received.filter((r) => r.path === `/hooks/${path}`);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const path = request.url ?? '';
    const secret = this.secrets.get(path.replace(/^\/hooks\//, '')) ?? '';
    const verified = verifySignature(
      request.headers['x-tradingbot-signature'] as string | undefined,
      text,
      secret,
    );
    everything.push(text);
    this.received.push({
      path,
      body: JSON.parse(text) as Record<string, unknown>,
      at: Date.now(),
      headers: request.headers,
      verified,
    });
    response.writeHead(verified ? 200 : 401).end();
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

export type Mail = { to: string; subject: string; text: string; at: number };

/** A real SMTP server on 127.0.0.1 (no TLS, no auth): what nodemailer sends, parsed back. */
export class FakeSmtp {
  readonly received: Mail[] = [];
  port = 0;
  readonly #server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (address, _session, callback) => {
      if (address.address.startsWith('bounce'))
        callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
      else callback();
    },
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
          const entry = { to: to ?? '', subject: mail.subject ?? '', text: mail.text ?? '', at: Date.now() };
          everything.push(`${entry.subject}\n${entry.text}`);
          this.received.push(entry);
          callback();
        })
        .catch(callback);
    },
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.server.address() as AddressInfo).port;
    return this;
  }

  for(address: string): Mail[] {
    return this.received.filter((m) => m.to === address);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
