export * from './schema.ts';
export * from './database.ts';
export * from './migrate.ts';
export * from './errors.ts';
export * from './testing.ts';
export * from './backup.ts';
