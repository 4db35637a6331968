import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_PUBLIC_SECRETS, loadConfig } from '../src/config.ts';
import { generateSecrets } from '../src/crypto/credentials.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'tb-config-'));

describe('configuration', () => {
  it('starts with no configuration: PGlite in DATA_DIR and development secrets kept with mode 0600', () => {
    const dataDir = tmp();
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first.port).toBe(8001); // the documented default (README, Configuration)
    expect(first.databaseUrl).toBeUndefined();
    expect(first.devSecretsFile).toBe(join(dataDir, 'dev-secrets.json'));
    expect(statSync(first.devSecretsFile!).mode & 0o777).toBe(0o600);
    const again = loadConfig({ DATA_DIR: dataDir });
    expect(again.secretKey).toBe(first.secretKey); // reused, so stored credentials stay readable
    expect(again.keyRing.current.id).toBe(first.keyRing.current.id);
  });

  it("takes the design's DEBUG flag as the defaults of NODE_ENV and LOG_LEVEL", () => {
    const secrets = generateSecrets();
    const on = loadConfig({ DEBUG: 'True', DATA_DIR: tmp() });
    expect([on.nodeEnv, on.logLevel]).toEqual(['development', 'debug']);
    // The design's production file: DEBUG=False is production, which needs every secret.
    expect(() => loadConfig({ DEBUG: 'False', DATA_DIR: tmp() })).toThrow('production needs');
    const off = loadConfig({ DEBUG: 'False', ...secrets });
    expect([off.nodeEnv, off.logLevel]).toEqual(['production', 'info']);
    for (const spelling of ['1', 'yes', 'ON', ' true ']) {
      expect(loadConfig({ DEBUG: spelling, DATA_DIR: tmp() }).logLevel).toBe('debug');
    }
    // NODE_ENV and LOG_LEVEL, when set, win over DEBUG.
    const explicit = loadConfig({ DEBUG: 'true', NODE_ENV: 'test', LOG_LEVEL: 'warn', DATA_DIR: tmp() });
    expect([explicit.nodeEnv, explicit.logLevel]).toEqual(['test', 'warn']);
    // The `debug` package's namespaces are not ours: the defaults stay.
    const namespaces = loadConfig({ DEBUG: 'express:*', DATA_DIR: tmp() });
    expect([namespaces.nodeEnv, namespaces.logLevel]).toEqual(['development', 'info']);
  });

  it('refuses to start in production without every secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp() })).toThrow(
      'production needs SECRET_KEY, ENCRYPTION_KEY, WEBHOOK_SECRET',
    );
    const { SECRET_KEY, ENCRYPTION_KEY } = generateSecrets();
    expect(() => loadConfig({ NODE_ENV: 'production', SECRET_KEY, ENCRYPTION_KEY })).toThrow(
      'production needs WEBHOOK_SECRET',
    );
  });

  it.each([...KNOWN_PUBLIC_SECRETS])('refuses the publicly known example %s as a real secret', (example) => {
    const secrets = generateSecrets();
    for (const name of ['SECRET_KEY', 'ENCRYPTION_KEY', 'WEBHOOK_SECRET'] as const) {
      const env = { ...secrets, [name]: example };
      const attempt = () => loadConfig({ NODE_ENV: 'production', ...env });
      // Each example is refused wherever it appears (or fails that secret's own format check).
      expect(attempt).toThrow();
    }
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        ...secrets,
        WEBHOOK_SECRET: 'yER8UxvSY0klei4vveGAJltJk5uQDYIyYtnU6ctH6cM',
      }),
    ).toThrow('is a publicly known example value');
  });

  it('reads each secret from a *_FILE variable', () => {
    const dir = tmp();
    const secrets = generateSecrets();
    for (const [name, value] of Object.entries(secrets)) writeFileSync(join(dir, name), `${value}\n`);
    const config = loadConfig({
      NODE_ENV: 'production',
      SECRET_KEY_FILE: join(dir, 'SECRET_KEY'),
      ENCRYPTION_KEY_FILE: join(dir, 'ENCRYPTION_KEY'),
      WEBHOOK_SECRET_FILE: join(dir, 'WEBHOOK_SECRET'),
    });
    expect(config.secretKey).toBe(secrets.SECRET_KEY);
    expect(config.webhookSecret).toBe(readFileSync(join(dir, 'WEBHOOK_SECRET'), 'utf8').trim());
    expect(config.devSecretsFile).toBeNull();
    expect(() => loadConfig({ SECRET_KEY_FILE: join(dir, 'missing') })).toThrow('cannot be read');
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: tmp() })).toThrow('PORT');
    expect(() => loadConfig({ ...generateSecrets(), ENCRYPTION_KEY: 'short' })).toThrow(
      'ENCRYPTION_KEY must be 32 bytes',
    );
  });
});

describe('the Telegram bot', () => {
  it('reads TELEGRAM_BOT_TOKEN (or its _FILE) and TELEGRAM_API_URL; refuses a malformed token without echoing it', () => {
    const token = '123456789:AAbcdefghijklmnopqrstuvwxyz_0123';
    const config = loadConfig({ ...generateSecrets(), TELEGRAM_BOT_TOKEN: token });
    expect(config.telegram).toEqual({ botToken: token, apiUrl: 'https://api.telegram.org' });
    const dir = tmp();
    writeFileSync(join(dir, 'token'), `${token}\n`);
    const fromFile = loadConfig({
      ...generateSecrets(),
      TELEGRAM_BOT_TOKEN_FILE: join(dir, 'token'),
      TELEGRAM_API_URL: 'http://127.0.0.1:9090/',
    });
    expect(fromFile.telegram).toEqual({ botToken: token, apiUrl: 'http://127.0.0.1:9090' });
    expect(loadConfig(generateSecrets()).telegram.botToken).toBeUndefined();
    let message = '';
    try {
      loadConfig({ ...generateSecrets(), TELEGRAM_BOT_TOKEN: 'not-a-token-secret-value' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('TELEGRAM_BOT_TOKEN');
    expect(message).not.toContain('not-a-token-secret-value');
  });
});

describe('exchange endpoints', () => {
  it('sends Binance accounts to BINANCE_BASE_URL when it is set', () => {
    expect(
      loadConfig({ ...generateSecrets(), BINANCE_BASE_URL: 'http://127.0.0.1:9001' }).baseUrls.binance,
    ).toBe('http://127.0.0.1:9001');
    expect(() => loadConfig({ ...generateSecrets(), BINANCE_BASE_URL: 'not a url' })).toThrow(
      'BINANCE_BASE_URL',
    );
  });
});
