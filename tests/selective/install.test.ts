import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TFJS, cleanUp, freshProject, installedRidge, packAll, packedManifest, report, runScript, type Packs } from './support.js';

/*
 * Selective installs: subsets of the packed packages, installed with npm into fresh folders
 * outside the workspace, each running a small script as a user would. The four folders install
 * in parallel from npm's cache (tfjs-core and tfjs-backend-cpu come from the registry).
 */

let packs: Packs;
const dirs: Record<string, string> = {};

beforeAll(async () => {
  packs = await packAll();
  const t = packs.tarballs;
  const tfjs = [`@tensorflow/tfjs-core@${TFJS}`, `@tensorflow/tfjs-backend-cpu@${TFJS}`];
  const projects: Record<string, string[]> = {
    penalties: [t['@ridge/core'], t['@ridge/regularizers'], ...tfjs],
    'no-optimizers': [t['@ridge/core'], t['@ridge/backend'], t['@ridge/layers'], t['@ridge/losses'], t['@ridge/regularizers'], ...tfjs],
    full: [
      t['@ridge/core'],
      t['@ridge/backend'],
      t['@ridge/regularizers'],
      t['@ridge/losses'],
      t['@ridge/optimizers'],
      t['@ridge/layers'],
      t['@ridge/testing'],
      t['@ridge/all'],
      ...tfjs,
    ],
    plugin: [
      t['@ridge/core'],
      t['@ridge/backend'],
      t['@ridge/losses'],
      t['@ridge/optimizers'],
      t['@ridge/layers'],
      t['ridge-regularizer-group-lasso'],
      ...tfjs,
    ],
  };
  await Promise.all(Object.entries(projects).map(async ([label, specs]) => (dirs[label] = await freshProject(label, specs))));
});

afterAll(async () => {
  await cleanUp([packs?.dir, ...Object.values(dirs)]);
});

describe('the tarballs', () => {
  it('carry real versions instead of workspace: and catalog: ranges', async () => {
    for (const tarball of Object.values(packs.tarballs)) {
      const text = JSON.stringify(await packedManifest(tarball));
      expect(text, tarball).not.toMatch(/workspace:|catalog:/);
    }
    const plugin = await packedManifest(packs.tarballs['ridge-regularizer-group-lasso']);
    expect(plugin['peerDependencies']).toEqual({ '@ridge/core': '^0.1.0', '@tensorflow/tfjs-core': TFJS });
  });
});

describe('@ridge/core + @ridge/regularizers alone', () => {
  it('installs nothing else of Ridge, and computes penalties', async () => {
    expect(await installedRidge(dirs['penalties']!)).toEqual({ '@ridge/core': '0.1.0', '@ridge/regularizers': '0.1.0' });
    const r = await runScript(
      dirs['penalties']!,
      'penalties.mjs',
      `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getRegularizer, registry, serializeRegularizer } from '@ridge/core';
import { l1, l2, orthogonal } from '@ridge/regularizers';

await tf.setBackend('cpu');
const w = tf.tensor2d([[1, -2], [3, -4]]);
const value = (t) => t.dataSync()[0];
console.log(JSON.stringify({
  l1: value(l1(0.1).apply(w)),
  l2: value(l2(0.01).apply(w)),
  l1l2: value(getRegularizer('l1_l2').apply(w)),
  orthogonal: value(orthogonal(0.1).apply(tf.tensor2d([[1, 0], [1, 1]]))),
  gradient: Array.from(l2(0.5).gradient(w).dataSync()),
  serialized: serializeRegularizer(getRegularizer({ className: 'L2', config: { l2: 0.2 } })),
  layerNames: registry('layer').list(),
}));
`,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = report<Record<string, number & number[]>>(r);
    // |1| + |-2| + |3| + |-4| = 10; 1 + 4 + 9 + 16 = 30
    expect(out['l1']).toBeCloseTo(0.1 * 10, 6);
    expect(out['l2']).toBeCloseTo(0.01 * 30, 6);
    expect(out['l1l2']).toBeCloseTo(0.01 * 10 + 0.01 * 30, 6);
    // rows at 45 degrees: 0.1 * 0.5 * (2 cos 45) / 1 pair
    expect(out['orthogonal']).toBeCloseTo(0.1 * 0.5 * 2 * Math.SQRT1_2, 6);
    expect(out['gradient']).toEqual([1, -2, 3, -4]);
    expect(out['serialized']).toEqual({ className: 'L2', config: { l2: 0.2 } });
    expect(out['layerNames']).toEqual([]);
  });
});

describe('@ridge/layers without @ridge/optimizers', () => {
  it("compile({ optimizer: 'adam' }) fails with UNKNOWN_NAME saying which package to install", async () => {
    const installed = await installedRidge(dirs['no-optimizers']!);
    expect(Object.keys(installed).sort()).toEqual(['@ridge/backend', '@ridge/core', '@ridge/layers', '@ridge/losses', '@ridge/regularizers']);
    const r = await runScript(
      dirs['no-optimizers']!,
      'adam.mjs',
      `
import { initBackend } from '@ridge/backend';
import { RidgeError } from '@ridge/core';
import { dense, input, model } from '@ridge/layers';
import '@ridge/losses';
import '@ridge/regularizers';

await initBackend({ prefer: 'cpu', log: false });
const inp = input({ shape: [3] });
const m = model({ inputs: inp, outputs: dense({ units: 2, kernelRegularizer: 'l2' }).apply(inp) });
try {
  m.compile({ optimizer: 'adam', loss: 'mse' });
  console.log(JSON.stringify({ compiled: true }));
} catch (error) {
  console.log(JSON.stringify({ ridge: RidgeError.is(error), code: error.code, message: error.message }));
}
`,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = report<{ ridge: boolean; code: string; message: string }>(r);
    expect(out).toMatchObject({ ridge: true, code: 'UNKNOWN_NAME' });
    expect(out.message).toContain('Unknown optimizer "adam"');
    expect(out.message).toContain("import '@ridge/optimizers'");
  });
});

describe('the full set', () => {
  it('trains the seed model of DESIGN.md section 7, and @ridge/all is the same code', async () => {
    const r = await runScript(
      dirs['full']!,
      'train.mjs',
      `
import { initBackend } from '@ridge/backend';
import { input, dense, activation, model } from '@ridge/layers';
import { l2 } from '@ridge/regularizers';
import '@ridge/losses';
import { adam } from '@ridge/optimizers';
import * as all from '@ridge/all';
import * as tf from '@tensorflow/tfjs-core';

const info = await initBackend({ prefer: 'cpu', log: false });
const inp = input({ name: 'the_input', shape: [null, 161] });
let x = dense({ units: 250, activation: 'tanh', name: 'dense_1',
  kernelRegularizer: l2(), biasRegularizer: 'l2', activityRegularizer: l2() }).apply(inp);
x = dense({ units: 28, name: 'dense_2', kernelRegularizer: 'l2' }).apply(x);
const y = activation({ activation: 'softmax', name: 'softmax' }).apply(x);
const m = model({ inputs: inp, outputs: y });
m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const xs = tf.randomNormal([40, 4, 161], 0, 1, 'float32', 1);
const ys = tf.tidy(() => tf.oneHot(tf.randomUniform([40, 4], 0, 28, 'int32', 2), 28));
const history = await m.fit(xs, ys, { epochs: 2, batchSize: 16, validationSplit: 0.2, verbose: 0 });
console.log(JSON.stringify({
  backend: info.name,
  keys: Object.keys(history.history).sort(),
  loss: history.history.loss,
  activity: history.history['penalty/dense_1/activity'],
  sameCode: all.dense === dense && all.l2 === l2 && all.adam === adam,
}));
`,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = report<{ backend: string; keys: string[]; loss: number[]; activity: number[]; sameCode: boolean }>(r);
    expect(out.backend).toBe('cpu');
    expect(out.keys).toEqual(
      expect.arrayContaining(['loss', 'data_loss', 'penalty', 'accuracy', 'penalty/dense_1/kernel', 'penalty/dense_1/bias', 'penalty/dense_1/activity', 'penalty/dense_2/kernel', 'val_loss', 'val_penalty']),
    );
    expect(out.loss).toHaveLength(2);
    expect(out.loss.every(Number.isFinite)).toBe(true);
    expect(out.activity.every((v) => v > 0)).toBe(true);
    expect(out.sameCode).toBe(true);
  });
});

describe('the third-party plugin, from its own tarball', () => {
  it("is used by name in kernelRegularizer and compile({ regularization }), saved, and loaded again", async () => {
    const dir = dirs['plugin']!;
    const saved = path.join(dir, 'saved-model');
    const r = await runScript(
      dir,
      'plugin.mjs',
      `
import { initBackend } from '@ridge/backend';
import * as layers from '@ridge/layers';
import '@ridge/losses';
import '@ridge/optimizers';
import 'ridge-regularizer-group-lasso';
import * as tf from '@tensorflow/tfjs-core';

await initBackend({ prefer: 'cpu', log: false });
const { dense, input, model } = layers;
const inp = input({ shape: [4], name: 'x' });
const h = dense({ units: 8, activation: 'tanh', name: 'hidden', kernelRegularizer: 'groupLasso' }).apply(inp);
const m = model({ inputs: inp, outputs: dense({ units: 1, name: 'out' }).apply(h) });
const regularization = { regularizer: 'groupLasso', include: 'kernels' };
m.compile({ optimizer: 'adam', loss: 'mse', regularization });
const X = Array.from({ length: 64 }, (_, i) => [0, 1, 2, 3].map((j) => Math.sin(1.3 * i + 2.1 * j)));
const Y = X.map((x) => [0.8 * x[0] - 0.5 * x[1]]);
const history = await m.fit(X, Y, { epochs: 3, batchSize: 16, verbose: 0 });
const terms = (model) => model.penalties().terms.map((t) => [t.path, t.regularizer, t.source, t.value]);
const out = { history: Object.keys(history.history), terms: terms(m) };

if (typeof m.save !== 'function' || typeof layers.loadModel !== 'function') {
  console.error('SAVE_UNAVAILABLE: @ridge/layers ' + (typeof m.save !== 'function' ? 'has no Model.save' : 'exports no loadModel') +
    '; saving and loading (DESIGN.md section 7) is not in this build of @ridge/layers.');
  console.log(JSON.stringify(out));
  process.exit(3);
}
await m.save('file://${saved}');
const loaded = await layers.loadModel('file://${saved}');
out.loadedHiddenRegularizer = loaded.getLayer('hidden').kernel.regularizer?.className ?? null;
out.loadedCompiled = loaded.isCompiled;
// model-level rules apply at compile time: compile the loaded model as the original was
loaded.compile({ optimizer: 'adam', loss: 'mse', regularization });
out.loadedTerms = terms(loaded);
const probe = tf.tensor2d(X.slice(0, 5));
out.samePredictions = Array.from(m.predict(probe).dataSync()).every((v, i, a) => v === Array.from(loaded.predict(probe).dataSync())[i]);
console.log(JSON.stringify(out));
`,
    );
    const out = report<{
      history: string[];
      terms: [string, string, string, number][];
      loadedHiddenRegularizer?: string | null;
      loadedTerms?: [string, string, string, number][];
      samePredictions?: boolean;
    }>(r);
    const GL = 'ridge-regularizer-group-lasso>GroupLasso';
    expect(out.history).toEqual(expect.arrayContaining(['penalty/hidden/kernel', 'penalty/out/kernel']));
    // the layer's own group lasso wins on hidden (onConflict 'skip'); the rule adds it to out
    expect(out.terms.map(([p, c, s]) => [p, c, s])).toEqual([
      ['hidden/kernel', GL, 'layer'],
      ['out/kernel', GL, 'model'],
    ]);
    expect(r.stderr, 'saving and loading must be available in @ridge/layers').not.toContain('SAVE_UNAVAILABLE');
    expect(r.code, r.stderr).toBe(0);
    const json = await readFile(path.join(saved, 'model.json'), 'utf8');
    expect(json).toContain(GL);
    expect(existsSync(path.join(saved, 'weights.bin'))).toBe(true);
    expect(out.loadedHiddenRegularizer).toBe(GL);
    expect(out.samePredictions).toBe(true);
    // the same weights give the same penalties
    expect(out.loadedTerms).toEqual(out.terms);
  });
});
