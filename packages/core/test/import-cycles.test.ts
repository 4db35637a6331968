/**
 * No import cycles anywhere in the repository's sources: a cycle makes module initialisation order
 * matter (a `const` read before it is set) and welds packages that should stay separable. Checked
 * here over the runtime import graph of every package and app (`import type` is erased by the
 * compiler, so it cannot form a runtime cycle and is left out), rather than with an eslint plugin:
 * one pass over the ~200 source files takes well under a second, where a resolver-based lint rule re-parses
 * every module per file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE = /\.(ts|tsx)$/;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const workspaces = ['packages', 'apps'].flatMap((top) =>
  readdirSync(join(ROOT, top)).map((name) => join(ROOT, top, name)),
);

/** `@tradingbot/<name>` (and its declared subpaths) → the file its package.json exports. */
const packageEntries = new Map<string, string>();
for (const dir of workspaces) {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; exports?: unknown };
  if (typeof pkg.exports === 'string') packageEntries.set(pkg.name, join(dir, pkg.exports));
  else if (pkg.exports !== null && typeof pkg.exports === 'object') {
    for (const [subpath, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
      const file =
        typeof target === 'string'
          ? target
          : ((target as Record<string, unknown> | null)?.import ??
            (target as Record<string, unknown>)?.default);
      if (typeof file === 'string') packageEntries.set(join(pkg.name, subpath), join(dir, file));
    }
  }
}

const WEB_SRC = join(ROOT, 'apps/web/src');

function resolveSpecifier(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith('.')) base = resolve(dirname(from), specifier);
  else if (specifier.startsWith('@/')) base = join(WEB_SRC, specifier.slice(2));
  else if (specifier.startsWith('@tradingbot/')) return packageEntries.get(specifier) ?? null;
  else return null; // a dependency outside the repository
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The specifiers a module imports at run time (static `import` / `export … from`, not type-only). */
function runtimeImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  const statement = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?([^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
  for (const match of code.matchAll(statement)) {
    const [, keyword, typeOnly, clause, specifier] = match;
    if (typeOnly !== undefined) continue;
    if (keyword === 'export' && clause === undefined) continue;
    const names = clause?.match(/\{([^}]*)\}/)?.[1];
    const bare = clause !== undefined && /^\s*\{[^}]*\}\s+from\s+$/.test(clause);
    // `import { type A, type B } from` imports nothing at run time.
    if (
      bare &&
      names !== undefined &&
      names.split(',').every((n) => n.trim() === '' || /^type\s/.test(n.trim()))
    )
      continue;
    out.push(specifier!);
  }
  return out;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = workspaces.flatMap((dir) => sourceFiles(join(dir, 'src')));
  for (const file of files) {
    const targets = runtimeImports(readFileSync(file, 'utf8'))
      .map((specifier) => resolveSpecifier(file, specifier))
      .filter((target): target is string => target !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

describe('import graph', () => {
  const graph = importGraph();

  it('reads the whole repository (the parser finds the imports it should)', () => {
    expect(graph.size).toBeGreaterThan(150);
    const engineIndex = join(ROOT, 'packages/engine/src/index.ts');
    expect(graph.get(engineIndex)?.length).toBeGreaterThan(3);
    const cliImports = [...graph.entries()]
      .filter(([file]) => file.startsWith(join(ROOT, 'apps/cli/src')))
      .flatMap(([, targets]) => targets);
    expect(cliImports).toContain(packageEntries.get('@tradingbot/engine'));
  });

  it('has no cycles', () => {
    const found = cycles(graph).map((component) => component.map((file) => relative(ROOT, file)).sort());
    expect(found).toEqual([]);
  });

  it('would report a cycle (the check can fail)', () => {
    const a = '/a.ts';
    const b = '/b.ts';
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toHaveLength(1);
    expect(runtimeImports("import { x } from './b.ts';\nimport type { Y } from './c.ts';")).toEqual([
      './b.ts',
    ]);
  });
});
