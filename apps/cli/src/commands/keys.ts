import type { Command } from 'commander';
import {
  generateSecrets,
  loadConfig,
  loadDotEnv,
  openConfiguredDatabase,
  rotateStoredKeys,
} from '@tradingbot/server';

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description('secrets: generate fresh values, re-encrypt stored credentials');
  keys
    .command('generate')
    .description('print fresh values for every secret, as .env lines')
    .action(() => {
      const s = generateSecrets();
      process.stdout.write(
        `# JWT signing key (64 hex characters)\nSECRET_KEY=${s.SECRET_KEY}\n` +
          `# AES-256-GCM key for exchange credentials (32 bytes, base64). Back it up: without it stored keys cannot be decrypted.\nENCRYPTION_KEY=${s.ENCRYPTION_KEY}\n` +
          `# Global webhook secret (see README: per-account secrets are what alerts carry)\nWEBHOOK_SECRET=${s.WEBHOOK_SECRET}\n`,
      );
    });
  keys
    .command('rotate')
    .description(
      're-encrypt every stored credential under ENCRYPTION_KEY (put the previous key in ENCRYPTION_KEYS_OLD first; stop the server first: refused while one runs on the database)',
    )
    .action(async () => {
      loadDotEnv();
      const config = loadConfig();
      const result = await rotateStoredKeys(
        () => openConfiguredDatabase(config),
        config.keyRing,
        config.dataDir,
      );
      process.stdout.write(
        `re-encrypted ${result.reencrypted} account(s) under key ${config.keyRing.current.id}; ${result.unchanged} already current\n` +
          (result.devSecretsUpdated
            ? `the new ENCRYPTION_KEY is also written to ${config.dataDir}/dev-secrets.json\n`
            : ''),
      );
    });
}
