import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORT =
  /^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm;

/** Every module of this package a module reaches through its relative imports, itself included. */
function localGraph(entry: string): string[] {
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier?.startsWith('.')) walk(resolve(dirname(file), specifier));
    }
  };
  walk(entry);
  return [...seen].map((file) => relative(packageDir, file)).sort();
}

const isSimulatorCode = (file: string): boolean =>
  file.startsWith('src/sim/') || file.endsWith('/simulator.ts');

describe('package entry points', () => {
  it('the product entry point (`@tradingbot/exchange`) reaches no simulator code', () => {
    const graph = localGraph(resolve(packageDir, 'src/index.ts'));
    expect(graph).toContain('src/paper/paper-exchange.ts'); // the walk follows re-exports
    expect(graph.filter(isSimulatorCode)).toEqual([]);
  });

  it('`@tradingbot/exchange/sim` serves the simulators, the fault queue and the HTTP server', async () => {
    const manifest = JSON.parse(readFileSync(resolve(packageDir, 'package.json'), 'utf8')) as {
      exports: Record<string, string>;
    };
    expect(manifest.exports).toEqual({ '.': './src/index.ts', './sim': './src/sim/index.ts' });
    const graph = localGraph(resolve(packageDir, manifest.exports['./sim'] as string));
    expect(graph).toEqual(
      expect.arrayContaining(['src/binance/simulator.ts', 'src/okx/simulator.ts', 'src/bybit/simulator.ts']),
    );

    const product = await import('@tradingbot/exchange');
    const sim = await import('@tradingbot/exchange/sim');
    for (const name of [
      'startBinanceSimulator',
      'startOkxSimulator',
      'startBybitSimulator',
      'FaultQueue',
      'listenSimulator',
    ]) {
      expect(Object.keys(product)).not.toContain(name);
      expect(Object.keys(sim)).toContain(name);
    }
    expect(Object.keys(sim.SIMULATORS).sort()).toEqual(['binance', 'bybit', 'okx']);
  });
});
