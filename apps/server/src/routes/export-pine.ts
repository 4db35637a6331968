import type { RouteContext } from '../route-context.ts';
import { exportPine } from '../services/export-pine.ts';
import { ErrorResponse } from './error.schema.ts';
import { ExportPineQuery, PineExport } from './export-pine.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

/** `GET /api/v1/simple/export-pine`: a strategy as a Pine script wired to one of the caller's accounts. */
export function registerExportPineRoutes(context: RouteContext): void {
  const { app, deps } = context;
  app.get(
    '/api/v1/simple/export-pine',
    {
      preHandler: requireUser(context),
      schema: {
        tags: ['strategies'],
        security: bearerSecurity,
        querystring: ExportPineQuery,
        response: {
          200: PineExport,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) =>
      exportPine(
        { database: deps.database, publicUrl: deps.config.publicUrl },
        currentUser(request).user.id,
        request.query,
      ),
  );
}
