import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, TRADINGVIEW_WEBHOOK_IPS, type RunningServer } from '../src/index.ts';
import { generateSecrets } from '../src/crypto/credentials.ts';

// The deployment kit's nginx site, run by Debian's nginx in front of the real server: the webhook over
// HTTPS from a client on 127.0.0.2 reaches the server as 127.0.0.2 (Linux routes all of 127/8 to
// loopback), a client's own X-Forwarded-For cannot make it look like TradingView, and port 80 redirects.
// The site file is rendered from deploy/nginx/tradingbot.conf with loopback ports and a self-signed
// certificate; nothing else changes. .ci/run installs nginx; without it this file says why it skips.

const DEPLOY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../deploy');
const NGINX = '/usr/sbin/nginx';
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();
const nginxMissing = !existsSync(NGINX)
  ? `${NGINX} is missing (apt-get install -y nginx; .ci/run installs it)`
  : !hasOpenssl
    ? 'openssl is missing (it makes the test certificate)'
    : null;
if (nginxMissing) console.warn(`deploy-nginx.test.ts skipped: ${nginxMissing}`);

/** A port free on 127.0.0.1 right now (nginx cannot be told to pick one). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

async function waitForPort(port: number, deadlineMs: number, nginx: ChildProcess, log: () => string) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited: ${log()}`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nginx did not listen on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One request from a chosen loopback source address. */
function send(
  options: {
    tls: boolean;
    port: number;
    path: string;
    from: string;
    ca?: Buffer;
    headers?: Record<string, string>;
  },
  body?: string,
): Promise<Answer> {
  const request = options.tls ? httpsRequest : httpRequest;
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: options.path,
        method: body === undefined ? 'GET' : 'POST',
        localAddress: options.from,
        servername: 'localhost',
        ...(options.ca ? { ca: options.ca } : {}),
        headers: { host: 'localhost', 'content-type': 'application/json', ...options.headers },
        timeout: 20_000,
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', fail);
    req.end(body);
  });
}

/** deploy/nginx/tradingbot.conf with test ports, certificate and upstream; every replaced line must exist. */
function renderSite(
  ports: { http: number; https: number; upstream: number },
  dir: string,
  allowList?: string,
) {
  let site = readFileSync(join(DEPLOY, 'nginx/tradingbot.conf'), 'utf8');
  const replace = (from: string | RegExp, to: string) => {
    const next = site.replace(from, to);
    if (next === site) throw new Error(`deploy/nginx/tradingbot.conf no longer contains ${String(from)}`);
    site = next;
  };
  replace('server 127.0.0.1:8001;', `server 127.0.0.1:${ports.upstream};`);
  replace(/listen 80;\n\s*listen \[::\]:80;/, `listen 127.0.0.1:${ports.http};`);
  replace(
    /listen 443 ssl http2;\n\s*listen \[::\]:443 ssl http2;/,
    `listen 127.0.0.1:${ports.https} ssl http2;`,
  );
  replace('/etc/letsencrypt/live/bot.example.com/fullchain.pem', join(dir, 'cert.pem'));
  replace('/etc/letsencrypt/live/bot.example.com/privkey.pem', join(dir, 'key.pem'));
  replace('root /var/www/html;', `root ${join(dir, 'acme')};`);
  if (allowList) replace('# include /etc/nginx/snippets/tradingview-allow.conf;', `include ${allowList};`);
  return site;
}

function nginxConf(dir: string, site: string, siteName = 'site.conf'): string {
  const siteFile = join(dir, siteName);
  writeFileSync(siteFile, site);
  // The parts of Debian's /etc/nginx/nginx.conf a site relies on, with every path inside the temp prefix.
  return [
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 64; }',
    'http {',
    `  access_log ${join(dir, 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
    '  default_type application/octet-stream;',
    `  include ${siteFile};`,
    '}',
  ].join('\n');
}

describe.skipIf(nginxMissing !== null)(
  'deploy/nginx/tradingbot.conf in front of the server (Debian nginx)',
  { timeout: 120_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tradingbot-nginx-'));
    let server: RunningServer;
    let nginx: ChildProcess;
    let nginxLog = '';
    let ca: Buffer;
    const ports = { http: 0, https: 0, upstream: 0 };

    beforeAll(async () => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      ca = readFileSync(join(dir, 'cert.pem'));
      mkdirSync(join(dir, 'acme/.well-known/acme-challenge'), { recursive: true });
      writeFileSync(join(dir, 'acme/.well-known/acme-challenge/token123'), 'challenge-answer');
      // The shared decision: TRUST_PROXY is a hop count; 1 = nginx in front.
      server = await startServer(
        loadConfig({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          ...generateSecrets(),
          HOST: '127.0.0.1',
          PORT: '0',
          DATA_DIR: join(dir, 'data'),
          TRUST_PROXY: '1',
          WEBHOOK_ALLOWED_IPS: '127.0.0.2,tradingview',
        }),
      );
      ports.upstream = Number(new URL(server.url).port);
      ports.http = await freePort();
      ports.https = await freePort();
      writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, renderSite(ports, dir)));
      nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'startup.log')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      nginx.stderr!.on('data', (chunk: Buffer) => (nginxLog += chunk.toString()));
      const log = () =>
        nginxLog + (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
      await waitForPort(ports.https, 20_000, nginx, log);
    });

    afterAll(async () => {
      if (nginx && nginx.exitCode === null) {
        const exited = new Promise((r) => nginx.once('exit', r));
        nginx.kill('SIGQUIT'); // graceful stop of the nginx this test started
        await exited;
      }
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const webhook = (from: string, headers: Record<string, string> = {}, body = '{}') =>
      send({ tls: true, port: ports.https, path: '/api/v1/webhook/tradingview', from, ca, headers }, body);

    it('passes the webhook over HTTPS with the client address the server expects', async () => {
      const allowed = await webhook('127.0.0.2');
      // Past the allow-list: the empty alert is refused for what it is, not for where it came from.
      expect(allowed.status).toBe(400);
      expect(allowed.body).not.toMatch(/SOURCE_NOT_ALLOWED/);

      const other = await webhook('127.0.0.3');
      expect(other.status).toBe(403);
      expect(JSON.parse(other.body).error).toMatchObject({
        code: 'SOURCE_NOT_ALLOWED',
        message: expect.stringContaining('from 127.0.0.3 '),
      });
    });

    it("a client's own X-Forwarded-For does not make it TradingView (needs TRUST_PROXY as a hop count)", async () => {
      const spoofed = await webhook('127.0.0.3', { 'x-forwarded-for': TRADINGVIEW_WEBHOOK_IPS[0]! });
      expect(spoofed.status).toBe(403);
      expect(JSON.parse(spoofed.body).error.message).toContain('from 127.0.0.3 ');
    });

    it('refuses a webhook body over 64 KB at nginx', async () => {
      const big = await webhook('127.0.0.2', {}, JSON.stringify({ pad: 'x'.repeat(70 * 1024) }));
      expect(big.status).toBe(413);
    });

    it('redirects HTTP to HTTPS, except the ACME challenge', async () => {
      const plain = await send({
        tls: false,
        port: ports.http,
        path: '/api/v1/webhook/health?x=1',
        from: '127.0.0.2',
      });
      expect(plain.status).toBe(301);
      expect(plain.headers.location).toBe('https://localhost/api/v1/webhook/health?x=1');
      const challenge = await send({
        tls: false,
        port: ports.http,
        path: '/.well-known/acme-challenge/token123',
        from: '127.0.0.2',
      });
      expect(challenge).toMatchObject({ status: 200, body: 'challenge-answer' });
      const health = await send({
        tls: true,
        port: ports.https,
        path: '/api/v1/webhook/health',
        from: '127.0.0.2',
        ca,
      });
      expect(health.status).toBe(200);
      expect(health.headers['strict-transport-security']).toMatch(/max-age=/);
    });

    it("the optional TradingView allow-list is valid nginx and lists exactly TradingView's addresses", () => {
      const snippet = join(DEPLOY, 'nginx/tradingview-allow.conf');
      const allows = [...readFileSync(snippet, 'utf8').matchAll(/^allow ([\d.]+);$/gm)].map((m) => m[1]);
      expect(allows).toEqual([...TRADINGVIEW_WEBHOOK_IPS]);
      const conf = join(dir, 'with-allow-list.conf');
      writeFileSync(conf, nginxConf(dir, renderSite(ports, dir, snippet), 'site-allow.conf'));
      execFileSync(NGINX, ['-t', '-q', '-p', dir, '-c', conf, '-e', join(dir, 'startup.log')], {
        stdio: 'pipe',
      });
    });
  },
);

describe('deploy/tradingbot.service', () => {
  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
  if (!analyze) console.warn('deploy/tradingbot.service not verified: systemd-analyze is missing');

  it('has the hardening options', () => {
    const unit = readFileSync(join(DEPLOY, 'tradingbot.service'), 'utf8');
    for (const line of [
      'User=tradingbot',
      'EnvironmentFile=/etc/tradingbot/tradingbot.env',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/tradingbot',
      'NoNewPrivileges=true',
      'PrivateTmp=true',
      'Restart=on-failure',
    ])
      expect(unit.split('\n')).toContain(line);
  });

  it.skipIf(!analyze)('passes systemd-analyze verify without a warning', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tradingbot-unit-'));
    try {
      // Only the node path is this machine's; a warning (unknown key, bad value) fails the test.
      const unit = readFileSync(join(DEPLOY, 'tradingbot.service'), 'utf8').replace(
        'ExecStart=/usr/bin/node ',
        `ExecStart=${process.execPath} `,
      );
      writeFileSync(join(tmp, 'tradingbot.service'), unit);
      const result = spawnSyncText(analyze!, ['verify', join(tmp, 'tradingbot.service')]);
      expect(result).toEqual({ status: 0, stderr: '' });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

function spawnSyncText(command: string, args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}
