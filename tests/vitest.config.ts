import { ridgeVitestConfig } from '../vitest.shared.js';

// Cross-package scenarios: each folder is one concern (interop, plugins, selective installs).
export default ridgeVitestConfig({
  include: ['**/*.test.ts'],
  exclude: ['**/node_modules/**', '**/.work/**'],
  testTimeout: 600_000,
  hookTimeout: 600_000,
  // There is no src/ here: type-level tests sit in their scenario's folder.
  typecheck: { include: ['**/*.test-d.ts'], exclude: ['**/node_modules/**', '**/.work/**'], tsconfig: './tsconfig.json' },
});
