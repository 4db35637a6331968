#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so the repository needs no build step.
import { register } from 'tsx/esm/api';

// Whatever this process creates (the database, dev-secrets.json, backups) is owner-only.
process.umask(0o077);
register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
