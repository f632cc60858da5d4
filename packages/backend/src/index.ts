import './gradients.js';

export { backendInfo, describeBackend, initBackend } from './init.js';
export type { BackendInfo, InitBackendOptions, SkippedBackend } from './init.js';
export { DEFAULT_ORDER, runtimeEnvironment } from './environment.js';
