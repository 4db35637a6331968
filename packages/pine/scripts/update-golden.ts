/** Rewrites test/golden/<id>.pine from the current exporter: `npm run -w @tradingbot/pine golden:update`. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportStrategy } from '../src/exporter.ts';
import { STRATEGIES } from '../src/engine.ts';
import { GOLDEN_DIR, GOLDEN_OPTIONS } from '../test/support/golden.ts';

for (const declaration of STRATEGIES) {
  const path = resolve(GOLDEN_DIR, `${declaration.id}.pine`);
  writeFileSync(path, exportStrategy(declaration, {}, GOLDEN_OPTIONS));
  console.log(`wrote ${path}`);
}
