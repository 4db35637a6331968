import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { generateSecrets } from '../src/crypto/credentials.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'tb-startup-config-'));

describe('DATABASE_URL is checked when the configuration is read', () => {
  it.each([
    'postgresql:/db.example.internal/trading',
    'postgres:db.example.internal/trading',
    'mysql://trader:hunter2secret@127.0.0.1/trading',
    'sqlite:///var/lib/trading.db',
    'not a url at all',
    'postgres://',
    'postgresql:///trading',
  ])('refuses %s as a start-up CONFIG_INVALID naming DATABASE_URL', (url) => {
    let error: unknown;
    try {
      loadConfig({ ...generateSecrets(), DATA_DIR: tmp(), DATABASE_URL: url });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    const message = (error as Error).message;
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2secret'); // the password is never echoed
  });

  it.each([
    'postgres://postgres@127.0.0.1:5432/test',
    'postgresql://trader:s3cret@db.internal/trading?sslmode=require',
    'postgresql:///trading?host=/var/run/postgresql',
    'postgres://%2Fvar%2Frun%2Fpostgresql/trading',
  ])('accepts %s', (url) => {
    expect(loadConfig({ ...generateSecrets(), DATA_DIR: tmp(), DATABASE_URL: url }).databaseUrl).toBe(url);
  });
});

describe('secrets in production need entropy', () => {
  const production = (overrides: Record<string, string>) =>
    loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp(), ...generateSecrets(), ...overrides });

  it.each([
    ['SECRET_KEY', 'a'.repeat(32)],
    ['SECRET_KEY', '0'.repeat(64)],
    ['SECRET_KEY', 'changemechangemechangemechangeme'],
    ['SECRET_KEY', '0123456789abcdef'.repeat(4)],
    ['WEBHOOK_SECRET', 'changemechangeme'],
    ['WEBHOOK_SECRET', 'a'.repeat(40)],
    ['ENCRYPTION_KEY', '0'.repeat(64)],
    ['ENCRYPTION_KEY', 'ab'.repeat(32)],
  ])('refuses %s = %s', (name, value) => {
    expect(() => production({ [name]: value })).toThrow(`${name} is too predictable`);
  });

  it('accepts what `tradingbot keys generate` prints, every time', () => {
    for (let i = 0; i < 200; i++) expect(() => production({})).not.toThrow();
  });

  it('does not ask development for strong secrets', () => {
    expect(() =>
      loadConfig({ ...generateSecrets(), DATA_DIR: tmp(), SECRET_KEY: 'a'.repeat(32) }),
    ).not.toThrow();
  });
});

describe('LOG_FORMAT', () => {
  it('is pretty in development on a terminal, JSON otherwise, and can be forced', () => {
    const base = { ...generateSecrets(), DATA_DIR: tmp() };
    expect(loadConfig(base, { stdoutIsTty: true }).logFormat).toBe('pretty');
    expect(loadConfig(base, { stdoutIsTty: false }).logFormat).toBe('json');
    expect(loadConfig({ ...base, NODE_ENV: 'production' }, { stdoutIsTty: true }).logFormat).toBe('json');
    expect(loadConfig({ ...base, NODE_ENV: 'test' }, { stdoutIsTty: true }).logFormat).toBe('json');
    expect(loadConfig({ ...base, LOG_FORMAT: 'json' }, { stdoutIsTty: true }).logFormat).toBe('json');
    expect(loadConfig({ ...base, LOG_FORMAT: 'pretty' }, { stdoutIsTty: false }).logFormat).toBe('pretty');
    expect(() => loadConfig({ ...base, LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT');
  });
});
