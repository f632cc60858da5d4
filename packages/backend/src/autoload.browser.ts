import { findEntry, type RuntimeEnvironment } from '@ridge/core';

/**
 * The browser variant of ./autoload.ts (package.json `imports`, condition `browser`): a bundle
 * cannot import a backend it did not bundle, so an unregistered backend is skipped with the
 * import to add. Undefined when the backend is registered.
 */
export async function autoload(name: string, _env: RuntimeEnvironment): Promise<string | undefined> {
  return findEntry('backend', name) ? undefined : `not imported: add import '@ridge/backend/${name}' to your app`;
}
