import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One vitest project per workspace package, named after its folder (`vitest run --project engine`).
// The web app has two: `web` (component tests in jsdom) and `web-e2e` (headless Chromium).
const workspaceDirs = ['packages', 'apps'].flatMap((root) =>
  existsSync(root) ? readdirSync(root).map((name) => `${root}/${name}`) : [],
);

const webSrc = fileURLToPath(new URL('./apps/web/src', import.meta.url));

export default defineConfig({
  test: {
    projects: [
      ...workspaceDirs
        .filter((dir) => dir !== 'apps/web' && existsSync(`${dir}/test`))
        .map((dir) => ({
          test: {
            name: dir.split('/')[1],
            root: dir,
            include: ['test/**/*.test.ts'],
            testTimeout: 60_000,
            hookTimeout: 60_000,
          },
        })),
      ...(existsSync('apps/web/test')
        ? [
            {
              resolve: { alias: { '@': webSrc } },
              oxc: { jsx: { runtime: 'automatic' as const } },
              test: {
                name: 'web',
                root: 'apps/web',
                include: ['test/**/*.test.tsx'],
                environment: 'jsdom',
                setupFiles: ['./test/setup.ts'],
                testTimeout: 30_000,
              },
            },
            {
              test: {
                name: 'web-e2e',
                root: 'apps/web',
                include: ['test/e2e/**/*.test.ts'],
                environment: 'node',
                testTimeout: 300_000,
                hookTimeout: 600_000,
              },
            },
          ]
        : []),
    ],
  },
});
