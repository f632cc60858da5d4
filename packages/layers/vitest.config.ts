import { ridgeVitestConfig } from '../../vitest.shared.js';

export default ridgeVitestConfig({ setupFiles: ['test/features.ts'] });
