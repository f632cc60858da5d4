// Through the package name, so that bundlers apply the `browser` condition of ./gradients.
import '@ridge/backend/gradients';

export { backendInfo, describeBackend, initBackend } from './init.js';
export type { BackendInfo, InitBackendOptions, SkippedBackend } from './init.js';
export { DEFAULT_ORDER, runtimeEnvironment } from './environment.js';
