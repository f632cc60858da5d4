import type {
  BackendEntry,
  Constraint,
  Initializer,
  LayerInstance,
  Loss,
  Optimizer,
  PluginManifest,
  Regularizer,
} from './contracts.js';
import type { JsonObject } from './json.js';

/*
 * Empty interfaces that packages grow by declaration merging. The key is a registered name,
 * the value the config that name accepts. A package augments the interface in the same module
 * that registers the name at run time, so types and run time cannot disagree:
 *
 *   declare module '@ridge/core' {
 *     interface RegularizerRegistry { groupLasso: GroupLassoConfig }
 *   }
 */
/* eslint-disable @typescript-eslint/no-empty-interface */
export interface RegularizerRegistry {}
export interface ConstraintRegistry {}
export interface LossRegistry {}
export interface OptimizerRegistry {}
export interface LayerRegistry {}
export interface InitializerRegistry {}
export interface BackendRegistry {}
/* eslint-enable @typescript-eslint/no-empty-interface */

/** For each kind: the interface of its names and the type of what it creates. */
export interface KindTypes {
  regularizer: { names: RegularizerRegistry; value: Regularizer };
  constraint: { names: ConstraintRegistry; value: Constraint };
  loss: { names: LossRegistry; value: Loss };
  optimizer: { names: OptimizerRegistry; value: Optimizer };
  layer: { names: LayerRegistry; value: LayerInstance };
  initializer: { names: InitializerRegistry; value: Initializer };
  backend: { names: BackendRegistry; value: BackendEntry };
}

export type Kind = keyof KindTypes;
export type FactoryKind = Exclude<Kind, 'backend'>;

export const KINDS: readonly Kind[] = [
  'regularizer',
  'constraint',
  'loss',
  'optimizer',
  'layer',
  'initializer',
  'backend',
];

export type NameOf<K extends Kind> = keyof KindTypes[K]['names'] & string;
export type ValueOf<K extends Kind> = KindTypes[K]['value'];

export type RegularizerName = NameOf<'regularizer'>;
export type ConstraintName = NameOf<'constraint'>;
export type LossName = NameOf<'loss'>;
export type OptimizerName = NameOf<'optimizer'>;
export type LayerName = NameOf<'layer'>;
export type InitializerName = NameOf<'initializer'>;
export type BackendName = NameOf<'backend'>;

/** A registry entry that builds instances of its kind from a JSON config. */
export interface FactoryEntry<K extends FactoryKind> {
  readonly kind: K;
  /** The primary name. Built-ins use Keras class names; third parties use `'package>Name'`. */
  readonly name: string;
  /** Further names that resolve to this entry (`'l2'` for `'L2'`). */
  readonly aliases?: readonly string[];
  /** The npm package whose import registers this entry. */
  readonly package: string;
  /** Builds an instance from a config (missing keys take their defaults). */
  create(config?: JsonObject): ValueOf<K>;
  readonly manifest?: PluginManifest;
}

export type EntryOf<K extends Kind> = K extends FactoryKind ? FactoryEntry<K> : BackendEntry;

/** The config type a registered name accepts. */
export type ConfigOf<K extends Kind, N extends NameOf<K>> = KindTypes[K]['names'][N];

/** `{ className, config }` typed by the registry: the className must be registered. */
export type TypedSerialized<K extends Kind> = {
  [N in NameOf<K>]: { className: N; config?: ConfigOf<K, N> & object };
}[NameOf<K>];

/** What the `get*` functions accept: a registered name, an instance, or `{ className, config }`. */
export type Spec<K extends FactoryKind> = NameOf<K> | ValueOf<K> | TypedSerialized<K>;

export type RegularizerSpec = Spec<'regularizer'>;
export type ConstraintSpec = Spec<'constraint'>;
export type LossSpec = Spec<'loss'>;
export type OptimizerSpec = Spec<'optimizer'>;
export type InitializerSpec = Spec<'initializer'>;
