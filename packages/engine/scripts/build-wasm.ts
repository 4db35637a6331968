/**
 * Compiles the engine's WebAssembly sources (src/wasm/*.wat) into TypeScript modules
 * that embed the binary (`<name>.wasm.ts`), so the engine loads them without a build step or a
 * file read. Run `npm run build:wasm` after editing a .wat file; a test fails while they differ.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

export const WASM_SOURCE_DIR = fileURLToPath(new URL('../src/wasm/', import.meta.url));

/** The binary of a WebAssembly text module (with SIMD), validated. */
export async function compileWat(name: string, source: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(name, source, { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** The TypeScript module that embeds `binary` (base64). */
export function embeddedModule(watFile: string, binary: Uint8Array): string {
  const base64 = Buffer.from(binary).toString('base64');
  return [
    `// Generated from ${watFile} by packages/engine/scripts/build-wasm.ts (npm run build:wasm). Do not edit.`,
    `export const WASM_BASE64 =`,
    `  '${base64}';`,
    '',
  ].join('\n');
}

/** Every .wat source with the file name of its embedding module. */
export function wasmSources(): { wat: string; embedded: string }[] {
  return readdirSync(WASM_SOURCE_DIR)
    .filter((file) => file.endsWith('.wat'))
    .map((wat) => ({ wat, embedded: wat.replace(/\.wat$/, '.wasm.ts') }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { wat, embedded } of wasmSources()) {
    const binary = await compileWat(wat, readFileSync(WASM_SOURCE_DIR + wat, 'utf8'));
    writeFileSync(WASM_SOURCE_DIR + embedded, embeddedModule(wat, binary));
    console.log(`${embedded}: ${binary.length} bytes`);
  }
}
