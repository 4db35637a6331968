import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPI3 } from 'openapi-typescript';
import { API_TYPES_FILE, apiTypesSource, openApiDocument } from '../scripts/gen-api-types.ts';

let document: OpenAPI3;
// Builds the whole app on PGlite: slow on a busy machine, hence the longer limit.
beforeAll(async () => {
  document = await openApiDocument();
}, 180_000);

describe("the web app's API types (apps/web/src/lib/api-types.ts)", () => {
  it('are the ones the current OpenAPI document generates', async () => {
    expect(
      readFileSync(API_TYPES_FILE, 'utf8'),
      'apps/web/src/lib/api-types.ts is out of date: run `npm run gen:api-types`',
    ).toBe(await apiTypesSource(document));
  });

  it('name every JSON object a route answers with, so the UI refers to it by name', () => {
    const unnamed: string[] = [];
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(item as Record<string, unknown>)) {
        const responses = (operation as { responses?: Record<string, unknown> }).responses ?? {};
        for (const [status, response] of Object.entries(responses)) {
          const schema = (response as { content?: Record<string, { schema?: { $ref?: string } }> }).content?.[
            'application/json'
          ]?.schema;
          if (schema && schema.$ref === undefined) unnamed.push(`${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    expect(unnamed).toEqual([]);
  });

  it('use one JSON casing, snake_case, in every request and response field', () => {
    const fields = new Set<string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties') Object.keys(value as object).forEach((field) => fields.add(field));
        if (key === 'parameters' && Array.isArray(value))
          value.forEach((parameter: { name?: string }) => parameter.name && fields.add(parameter.name));
        visit(value);
      }
    };
    visit(document);
    expect([...fields].filter((field) => !/^[a-z][a-z0-9_]*$/.test(field))).toEqual([]);
  });
});
