/**
 * Writes the web app's API types (apps/web/src/lib/api-types.ts) from the server's OpenAPI document:
 * the app is built in-process on an in-memory PGlite database (nothing listens), its document read
 * with `app.swagger()`, and openapi-typescript turns it into types. Run `npm run gen:api-types`
 * after changing a route schema; a test fails while the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { migrate, openTestDatabase } from '@tradingbot/db';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { generateSecrets } from '../src/crypto/credentials.ts';

export const API_TYPES_FILE = fileURLToPath(new URL('../../web/src/lib/api-types.ts', import.meta.url));

/** The OpenAPI document the server serves at /docs/json. */
export async function openApiDocument(): Promise<OpenAPI3> {
  const database = await openTestDatabase(undefined);
  try {
    await migrate(database);
    const app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', ...generateSecrets() }),
      database,
      logStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
    });
    try {
      await app.ready();
      return app.swagger() as OpenAPI3;
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

/** The source of api-types.ts, formatted as the repository formats TypeScript. */
export async function apiTypesSource(document?: OpenAPI3): Promise<string> {
  const types = astToString(await openapiTS(document ?? (await openApiDocument()), { silent: true }));
  const source = [
    '// Generated from the server’s OpenAPI document by apps/server/scripts/gen-api-types.ts',
    '// (npm run gen:api-types). Do not edit.',
    '',
    types,
  ].join('\n');
  return format(source, { ...(await resolveConfig(API_TYPES_FILE)), filepath: API_TYPES_FILE });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(API_TYPES_FILE, await apiTypesSource());
  console.log(`wrote ${API_TYPES_FILE}`);
}
