import { RidgeError } from './errors.js';

/**
 * The optional parts of a package, each installed by the entry module that implements it when
 * that module is imported. A package calls them through its table instead of importing them, so a
 * bundle made from the package's side-effect-free `/base` entry leaves out what the app never
 * imports. The package root imports every entry, so its users never meet a missing part.
 */
export interface FeatureTable<F extends object> {
  /** Called by a feature's entry module when it is imported. Installing a feature again replaces it. */
  install<K extends keyof F & string>(name: K, implementation: F[K]): void;
  /** The installed feature, or `undefined` (for callers that have a path without it). */
  find<K extends keyof F & string>(name: K): F[K] | undefined;
  /**
   * The installed feature, or a `FEATURE_NOT_LOADED` error naming `call` (what the user wrote, for
   * example `'model.save()'`) and the import that adds it.
   */
  get<K extends keyof F & string>(name: K, call: string): F[K];
}

/**
 * Where each feature comes from: its entry and a few words on what it is, for the error that names
 * it. An entry that starts with `/` is a subpath of the root entry (`'/io'` is `'@ridge/layers/io'`).
 */
export type FeatureEntries<F extends object> = { readonly [K in keyof F & string]: readonly [entry: string, what: string] };

/**
 * A package's feature table. `base` is its side-effect-free entry (`'@ridge/layers/base'`) and
 * `root` the entry that loads every feature (`'@ridge/layers'`), both named in the error.
 */
export function featureTable<F extends object>(base: string, root: string, entries: FeatureEntries<F>): FeatureTable<F> {
  const installed: Partial<F> = {};
  return {
    install(name, implementation) {
      installed[name] = implementation;
    },
    find: (name) => installed[name],
    get(name, call) {
      const found = installed[name];
      if (found !== undefined) return found as F[typeof name];
      const [path, what] = entries[name];
      const entry = path[0] === '/' ? root + path : path;
      throw new RidgeError(
        'FEATURE_NOT_LOADED',
        `${call} needs ${what}, which is not loaded: '${base}' leaves it out so that bundles that do not use it stay small. ` +
          `Add import '${entry}' once in your app (importing '${root}' itself loads every feature).`,
        { feature: name, call, entry },
      );
    },
  };
}
