import { describe, expect, it } from 'vitest';
import { RidgeError } from './errors.js';
import { featureTable } from './features.js';

interface Parts {
  saving: (name: string) => string;
  clipping: { limit: number };
}

function table() {
  return featureTable<Parts>('@example/pkg/base', '@example/pkg', {
    saving: ['@example/pkg/io', 'saving and JSON'],
    clipping: ['@example/pkg/clipping', 'gradient clipping'],
  });
}

describe('featureTable', () => {
  it('gives back what an entry installed, and nothing before', () => {
    const t = table();
    expect(t.find('saving')).toBeUndefined();
    const save = (name: string): string => `saved ${name}`;
    t.install('saving', save);
    expect(t.find('saving')).toBe(save);
    expect(t.get('saving', 'model.save()')('m')).toBe('saved m');
    // installing again replaces; other features stay missing
    t.install('saving', (name) => `again ${name}`);
    expect(t.get('saving', 'model.save()')('m')).toBe('again m');
    expect(t.find('clipping')).toBeUndefined();
  });

  it('a missing feature is FEATURE_NOT_LOADED naming the call, the import that adds it and the root entry', () => {
    const t = table();
    let error: unknown;
    try {
      t.get('clipping', 'Adam({ clipNorm })');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RidgeError);
    const e = error as RidgeError;
    expect(e.code).toBe('FEATURE_NOT_LOADED');
    expect(e.message).toBe(
      "Adam({ clipNorm }) needs gradient clipping, which is not loaded: '@example/pkg/base' leaves it out so that bundles that do not use it stay small. " +
        "Add import '@example/pkg/clipping' once in your app (importing '@example/pkg' itself loads every feature).",
    );
    expect(e.details).toEqual({ feature: 'clipping', call: 'Adam({ clipNorm })', entry: '@example/pkg/clipping' });
  });

  it("an entry written as '/<path>' is that subpath of the root entry, in the message and the details", () => {
    const t = featureTable<Parts>('@example/pkg/base', '@example/pkg', {
      saving: ['/io', 'saving and JSON'],
      clipping: ['@other/clip', 'gradient clipping'],
    });
    let error: unknown;
    try {
      t.get('saving', 'model.save()');
    } catch (e) {
      error = e;
    }
    const e = error as RidgeError;
    expect(e.code).toBe('FEATURE_NOT_LOADED');
    expect(e.message).toContain("Add import '@example/pkg/io' once in your app");
    expect(e.details).toEqual({ feature: 'saving', call: 'model.save()', entry: '@example/pkg/io' });
    expect(() => t.get('clipping', 'Adam({ clipNorm })')).toThrow(/Add import '@other\/clip' once/);
  });

  it('each table is separate: installing in one does not install in another', () => {
    const a = table();
    const b = table();
    a.install('clipping', { limit: 1 });
    expect(a.find('clipping')).toEqual({ limit: 1 });
    expect(b.find('clipping')).toBeUndefined();
  });
});
