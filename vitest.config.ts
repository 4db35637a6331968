import { readdirSync, existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One vitest project per workspace package, named after its folder (`vitest run --project engine`).
const workspaceDirs = ['packages', 'apps'].flatMap((root) =>
  existsSync(root) ? readdirSync(root).map((name) => `${root}/${name}`) : [],
);

export default defineConfig({
  test: {
    projects: workspaceDirs
      .filter((dir) => existsSync(`${dir}/test`))
      .map((dir) => ({
        test: {
          name: dir.split('/')[1],
          root: dir,
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      })),
  },
});
