import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * One vitest setup for every package. The `@ridge/source` condition makes
 * workspace packages resolve to their TypeScript sources, so tests never run
 * against a stale `dist`.
 */
export function ridgeVitestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ['@ridge/source'] },
    ssr: { resolve: { conditions: ['@ridge/source'], externalConditions: ['@ridge/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      pool: 'forks',
      testTimeout: 60_000,
      hookTimeout: 60_000,
      typecheck: {
        include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
        tsconfig: './tsconfig.json',
      },
      ...overrides,
    },
  });
}
