import { findEntry, type RuntimeEnvironment } from '@ridge/core';

/*
 * Loads a backend's sub-entry when it is not registered yet. In Node it imports it, if installed;
 * bundlers for browsers pick ./autoload.browser.ts (package.json `imports`, condition `browser`),
 * where there is nothing to import at run time and the answer is always to add the import.
 */

/** In Node, a backend that is not registered yet is loaded from its sub-entry, if installed. */
export async function autoload(name: string, env: RuntimeEnvironment): Promise<string | undefined> {
  if (findEntry('backend', name)) return undefined;
  const sub = `@ridge/backend/${name}`;
  if (env !== 'node') return `not imported: add import '${sub}' to your app`;
  try {
    // A computed specifier keeps bundlers from pulling every backend into every bundle.
    await import(/* @vite-ignore */ /* webpackIgnore: true */ sub);
    return findEntry('backend', name) ? undefined : `${sub} did not register '${name}'`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const missing = /Cannot find (module|package) '([^']+)'/.exec(message)?.[2];
    return missing ? `not installed (npm i ${missing.replace(/\/dist\/.*$/, '')})` : `could not load ${sub}: ${message}`;
  }
}

