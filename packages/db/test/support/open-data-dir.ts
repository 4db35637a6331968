// Opens the PGlite folder given as argument and exits: 0 opened, 3 refused (prints the code).
import { isAppError } from '@tradingbot/core';
import { openDatabase } from '../../src/index.ts';

try {
  const database = await openDatabase({ dataDir: process.argv[2]! });
  await database.close();
  process.stdout.write('opened\n');
  process.exit(0);
} catch (error) {
  process.stdout.write(isAppError(error) ? `${error.code}: ${error.message}\n` : `${String(error)}\n`);
  process.exit(3);
}
