export { RidgeError, argumentError, dataError, describeValue, invalidArgument, mustBeError, shapeError } from './errors.js';
export type { RidgeErrorCode } from './errors.js';
export { checkConfigKeys, checkNonNegativeNumber, checkNumber, checkOneOf } from './validate.js';
export { closestName } from './suggest.js';
export { isJsonObject } from './json.js';
export { featureTable, type FeatureEntries, type FeatureTable } from './features.js';
export type { JsonObject, JsonPrimitive, JsonValue } from './json.js';
export type {
  BackendEntry,
  BackendStartOptions,
  Configurable,
  Constraint,
  Initializer,
  L1L2Factors,
  LayerInstance,
  Loss,
  LossReduction,
  Optimizer,
  PluginManifest,
  Regularizer,
  RuntimeEnvironment,
  WeightGradient,
  WeightInfo,
  WeightRole,
} from './contracts.js';
export { KINDS } from './names.js';
export type {
  BackendName,
  BackendRegistry,
  ConfigOf,
  ConstraintName,
  ConstraintRegistry,
  ConstraintSpec,
  EntryOf,
  FactoryEntry,
  FactoryKind,
  InitializerName,
  InitializerRegistry,
  InitializerSpec,
  Kind,
  KindTypes,
  LayerName,
  LayerRegistry,
  LossName,
  LossRegistry,
  LossSpec,
  NameOf,
  OptimizerName,
  OptimizerRegistry,
  OptimizerSpec,
  RegularizerName,
  RegularizerRegistry,
  RegularizerSpec,
  Spec,
  TypedSerialized,
  ValueOf,
} from './names.js';
export { Registry, registries, registry, registryGeneration } from './registry.js';
export { findEntry, resolveEntry } from './lookup.js';
export type { RegisterOptions } from './registry.js';
export { loadedCoreCopies } from './shared-record.js';
export type { CoreCopy } from './shared-record.js';
export {
  camelCaseKeys,
  deserializeConstraint,
  deserializeInitializer,
  deserializeLoss,
  deserializeOptimizer,
  deserializeRegularizer,
  getConstraint,
  getInitializer,
  getLoss,
  getOptimizer,
  getRegularizer,
  normalizeSerialized,
  serdeTrio,
  serializeConstraint,
  serializeInitializer,
  serializeLoss,
  serializeOptimizer,
  serializeRegularizer,
} from './serialization.js';
export type { SerdeTrio, Serialized } from './serialization.js';
export { VERSION } from './version.js';
export { KERNEL_ROLES, NORMALIZATION_ROLES, compileSelector, selectsWeight } from './selectors.js';
export type { WeightSelector } from './selectors.js';
