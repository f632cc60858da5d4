import { RidgeError, type WeightInfo } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelTopologyJSON } from '../io/model-json.js';
import type { SaveOptions } from '../io/save.js';
import type { Logs } from './callbacks.js';
import type { Graph } from './graph.js';
import type { Model } from './model.js';
import type { CompiledRule, RegularizationOption } from './regularization.js';

/** What fit tells a progress display (verbosity 1 or 2). */
export interface ProgressView {
  /** Whether `batch` would draw now (so fit reads the running logs only then). */
  wantsDraw(now: number): boolean;
  epochBegin(epoch: number): void;
  batch(step: number, samplesDone: number, logs: Logs | undefined): void;
  epochEnd(epoch: number, steps: number, samples: number, logs: Logs): void;
}

/**
 * The optional parts of a model, each installed by the module that implements it when that module
 * is imported. `Model` calls them through this table instead of importing them, so a bundle made
 * from `@ridge/layers/base` leaves out what the app never imports (saving, the summary table, the
 * progress bar, model-level rules: about a third of the package).
 */
export interface Features {
  /** `model.save`, `model.toJSON` (and `JSON.stringify(model)`). */
  io: {
    save(model: Model, target: string | tf.io.IOHandler, options: SaveOptions): Promise<tf.io.SaveResult>;
    toJSON(model: Model, options: unknown): ModelTopologyJSON;
  };
  /** `model.summary()`. */
  summary: (model: Model, rules: readonly CompiledRule[], graph: Graph | undefined) => string;
  /** `fit({ verbose: 1 | 2 })`, and `verbose: 1` by default in a terminal. */
  progress: {
    defaultVerbosity(): 0 | 1;
    create(verbose: 1 | 2, epochs: number, steps: number | undefined, samplesPerStep: number): ProgressView;
  };
  /** `compile({ regularization })`: resolves the model-level rules. */
  regularization: (option: RegularizationOption, weights?: readonly WeightInfo[]) => CompiledRule[];
}

export type FeatureName = keyof Features & string;

/** The entry that installs each feature, and what it is, for the error that names it. */
const ENTRIES: { readonly [K in FeatureName]: readonly [entry: string, what: string] } = {
  io: ['@ridge/layers/io', 'saving and JSON'],
  summary: ['@ridge/layers/summary', 'the summary table'],
  progress: ['@ridge/layers/progress', 'progress output'],
  regularization: ['@ridge/layers/regularization', 'model-level regularization'],
};

const installed: Partial<Features> = {};

/** Called by a feature's entry module when it is imported. Installing the same feature again replaces it. */
export function installFeature<K extends FeatureName>(name: K, implementation: Features[K]): void {
  installed[name] = implementation;
}

export function hasFeature(name: FeatureName): boolean {
  return installed[name] !== undefined;
}

/**
 * The installed feature, or `FEATURE_NOT_LOADED` naming the call and the import that adds it.
 * `call` is what the user wrote, for example `'model.save()'`.
 */
export function feature<K extends FeatureName>(name: K, call: string): Features[K] {
  const found = installed[name];
  if (found !== undefined) return found;
  const [entry, what] = ENTRIES[name];
  throw new RidgeError(
    'FEATURE_NOT_LOADED',
    `${call} needs ${what}, which is not loaded: '@ridge/layers/base' leaves it out so that bundles that do not use it stay small. ` +
      `Add import '${entry}' once in your app (importing '@ridge/layers' itself loads every feature).`,
    { feature: name, call, entry },
  );
}
