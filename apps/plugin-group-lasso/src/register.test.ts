import { readFileSync } from 'node:fs';
import { initBackend } from '@ridge/backend';
import { deserializeRegularizer, getRegularizer, registry, serializeRegularizer } from '@ridge/core';
import { expectConfigRoundTrip, expectResolvable, runRegularizerContract } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GroupLasso, groupLassoEntry, manifest } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

describe('registration', () => {
  it("registers 'ridge-regularizer-group-lasso>GroupLasso' and 'groupLasso', with its manifest", () => {
    expect(registry('regularizer').resolve('groupLasso')).toBe(groupLassoEntry);
    expect(registry('regularizer').resolve('ridge-regularizer-group-lasso>GroupLasso')).toBe(groupLassoEntry);
    expect(groupLassoEntry.manifest).toBe(manifest);
    expect(getRegularizer('groupLasso')).toBeInstanceOf(GroupLasso);
  });

  it('its manifest is the package: same name and version', () => {
    expect(manifest.name).toBe(pkg.name);
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.core).toBe('^0.1.0');
  });

  it('registering again is a no-op', () => {
    expect(() => registry('regularizer').register(groupLassoEntry)).not.toThrow();
  });

  it('serializes as { className, config } and reads Keras 3 JSON with registered_name', () => {
    const r = new GroupLasso({ factor: 0.2, axis: [0, 1, 2] });
    expect(serializeRegularizer(r)).toEqual({
      className: 'ridge-regularizer-group-lasso>GroupLasso',
      config: { factor: 0.2, axis: [0, 1, 2] },
    });
    const keras = deserializeRegularizer({
      module: null,
      class_name: 'GroupLasso',
      config: { factor: 0.3, axis: 0 },
      registered_name: 'ridge-regularizer-group-lasso>GroupLasso',
    });
    expect(keras).toBeInstanceOf(GroupLasso);
    expect(keras.getConfig()).toEqual({ factor: 0.3, axis: 0 });
    expect(getRegularizer({ className: 'groupLasso', config: { factor: 0.5 } }).getConfig()).toEqual({ factor: 0.5, axis: 0 });
  });
});

describe('the contract of @ridge/testing', () => {
  it.each([
    ['defaults', {}],
    ['factor 0.3', { factor: 0.3 }],
    ['rows', { factor: 0.05, axis: 1 }],
    ['axis -2', { factor: 1, axis: -2 }],
  ])('%s', async (_, config) => {
    const report = await runRegularizerContract(() => new GroupLasso(config), {
      names: ['groupLasso', 'ridge-regularizer-group-lasso>GroupLasso'],
    });
    expect(report.checks).toHaveLength(8);
  });

  it('on a conv kernel, one group per filter', async () => {
    const conv = tf.tensor4d(
      Array.from({ length: 2 * 2 * 3 * 4 }, (_, i) => Math.sin(1.7 * i + 0.3)),
      [2, 2, 3, 4],
    );
    await runRegularizerContract(() => new GroupLasso({ factor: 0.1, axis: [0, 1, 2] }), { samples: [conv] });
    conv.dispose();
  });

  it('the separate checks, as a plugin author calls them', () => {
    expectConfigRoundTrip(new GroupLasso({ factor: 0.25, axis: [0, 1] }));
    expectResolvable('regularizer', 'groupLasso', { className: 'ridge-regularizer-group-lasso>GroupLasso', config: { factor: 2 } });
  });
});
