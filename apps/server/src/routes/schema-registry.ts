import { z } from 'zod';

/**
 * The schemas the OpenAPI document names (`components.schemas`). A route answering one refers to
 * it by name, and the web app's types are generated from those names (`npm run gen:api-types`
 * writes apps/web/src/lib/api-types.ts).
 */
export const apiSchemas = z.registry<{ id: string }>();

/** Lists each schema in the OpenAPI document under its key: `nameSchemas({ Account })` → `Account`. */
export function nameSchemas(schemas: Record<string, z.ZodType>): void {
  for (const [id, schema] of Object.entries(schemas)) schema.register(apiSchemas, { id });
}

type OpenApiDocument = { paths?: unknown; components?: { schemas?: Record<string, unknown> } };

/**
 * The document with only the named schemas a route refers to, directly or through another named
 * schema. The zod type provider lists every registered schema twice, as read (`…Input`) and as
 * written; a response schema's read form is never used.
 */
export function withoutUnusedSchemas<T extends OpenApiDocument>(document: T): T {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const refs = (value: unknown) =>
    [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
  const used = new Set<string>();
  const pending = refs(document.paths);
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (used.has(id)) continue;
    used.add(id);
    pending.push(...refs(schemas[id]));
  }
  return {
    ...document,
    components: {
      ...document.components,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([id]) => used.has(id))),
    },
  } as T;
}
