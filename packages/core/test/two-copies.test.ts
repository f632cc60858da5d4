import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as first from '../src/index.js';

// A second copy of @ridge/core's sources, at another path and with another version, stands in
// for a duplicated install (two versions in node_modules, or a bundle that inlined core).
const here = path.dirname(fileURLToPath(import.meta.url));
const copyDir = mkdtempSync(path.join(here, '.second-copy-'));
for (const f of readdirSync(path.join(here, '../src'))) {
  if (f.endsWith('.ts') && !f.includes('.test')) cpSync(path.join(here, '../src', f), path.join(copyDir, f));
}
writeFileSync(path.join(copyDir, 'version.ts'), "export const VERSION = '9.9.9-copy';\n");

afterAll(() => rmSync(copyDir, { recursive: true, force: true }));

describe('two copies of @ridge/core', () => {
  it('share one registry and the second copy warns, naming both versions', async () => {
    first.registries.regularizer.list(); // the first copy joins the shared record
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const second = (await import(/* @vite-ignore */ path.join(copyDir, 'index.ts'))) as typeof first;
    expect(second.registries).not.toBe(first.registries);

    const entry = {
      kind: 'regularizer' as const,
      name: 'two-copies>Probe',
      package: 'two-copies',
      create: () => {
        throw new Error('not used');
      },
    };
    second.registries.regularizer.register(entry);

    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toContain('DUPLICATE_CORE');
    expect(message).toContain(`@ridge/core ${first.VERSION}`);
    expect(message).toContain('@ridge/core 9.9.9-copy');

    // what one copy registered, the other resolves
    expect(first.registries.regularizer.resolve('two-copies>Probe')).toBe(entry);
    expect(first.loadedCoreCopies().map((c) => c.version)).toEqual([first.VERSION, '9.9.9-copy']);

    // a duplicate through the other copy is still a duplicate
    expect(() =>
      first.registries.regularizer.register({ ...entry, package: 'someone-else' }),
    ).toThrow(expect.objectContaining({ code: 'DUPLICATE_NAME' }));
    // and a RidgeError thrown by one copy is recognised by the other
    let caught: unknown;
    try {
      second.registries.regularizer.resolve('missing');
    } catch (error) {
      caught = error;
    }
    expect(first.RidgeError.is(caught, 'UNKNOWN_NAME')).toBe(true);
    expect(caught).not.toBeInstanceOf(first.RidgeError);
    first.registries.regularizer.unregister('two-copies>Probe');
    warn.mockRestore();
  });
});
