import { readFileSync } from 'node:fs';
import { registry, type BackendEntry } from '@ridge/core';
import { afterAll, describe, expect, it } from 'vitest';
import { autoload as browserAutoload } from './autoload.browser.js';
import { autoload } from './autoload.js';

/** A backend that is never started: only whether it is registered matters here. */
const fake: BackendEntry = {
  kind: 'backend',
  name: 'autoload-test',
  package: '@ridge/backend/autoload-test',
  environments: ['node', 'browser', 'worker'],
  start: () => Promise.reject(new Error('not started in this test')),
};

afterAll(() => {
  registry('backend').unregister(fake.name);
});

describe('autoload', () => {
  it('browsers get the variant without the Node import (package.json imports, condition browser)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { imports: Record<string, Record<string, string>> };
    const conditions = pkg.imports['#autoload']!;
    expect(conditions['browser']).toBe('./dist/autoload.browser.js');
    expect(conditions['default']).toBe('./dist/autoload.js');
    // the browser condition comes before default, so bundlers for browsers take it
    expect(Object.keys(conditions).indexOf('browser')).toBeLessThan(Object.keys(conditions).indexOf('default'));
  });

  it('in a browser bundle, an unregistered backend is skipped with the import to add; a registered one loads', async () => {
    expect(await browserAutoload('autoload-test', 'browser')).toBe("not imported: add import '@ridge/backend/autoload-test' to your app");
    expect(await autoload('autoload-test', 'browser')).toBe("not imported: add import '@ridge/backend/autoload-test' to your app");
    registry('backend').register(fake);
    expect(await browserAutoload('autoload-test', 'browser')).toBeUndefined();
    expect(await autoload('autoload-test', 'browser')).toBeUndefined();
  });

  it('in Node, a sub-entry that is not there is reported, not thrown', async () => {
    expect(await autoload('nosuch', 'node')).toMatch(/^(not installed|could not load @ridge\/backend\/nosuch)/);
  });
});
