export * from './schema.ts';
export * from './database.ts';
export * from './data-dir.ts';
export * from './safe-error.ts';
export * from './migrate.ts';
export * from './errors.ts';
export * from './testing.ts';
export * from './backup.ts';
