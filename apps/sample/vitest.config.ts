import { ridgeVitestConfig } from '../../vitest.shared.js';

export default ridgeVitestConfig({
  include: ['src/**/*.test.ts', 'web/**/*.test.ts'],
});
