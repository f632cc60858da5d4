import { registry } from '@ridge/core';
import '@ridge/regularizers';
import { GroupLasso, groupLasso } from 'ridge-regularizer-group-lasso/base';
import { describe, expect, it } from 'vitest';

// The side-effect-free entry: the class and the factory, without registering a name. (Each test
// file runs in its own process, so no other file's import of the package root registers it here.)

describe("ridge-regularizer-group-lasso/base", () => {
  it('exports the class and the factory but registers nothing', () => {
    expect(groupLasso({ factor: 0.5 })).toBeInstanceOf(GroupLasso);
    expect(registry('regularizer').has('l2')).toBe(true);
    expect(registry('regularizer').has('groupLasso')).toBe(false);
    expect(registry('regularizer').has('ridge-regularizer-group-lasso>GroupLasso')).toBe(false);
  });

  it('so its name fails with UNKNOWN_NAME, naming the package to import', () => {
    expect(() => registry('regularizer').resolve('ridge-regularizer-group-lasso>GroupLasso')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_NAME', message: expect.stringContaining("import 'ridge-regularizer-group-lasso'") }),
    );
  });
});
