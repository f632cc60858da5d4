import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt } from '../selective/support.js';

/*
 * Bundle size (DESIGN.md section 8): the seed model script with selective Ridge imports, and the
 * same script against @tensorflow/tfjs-layers, each bundled by esbuild, minified, for browsers,
 * with tfjs-core and the tfjs backends external (an app has exactly one copy of them either way).
 * The packages are bundled from their built `dist`, as an app would get them from npm. Two Ridge
 * scripts: package roots and names ('l2', 'adam'), and the side-effect-free `/base` entries with
 * objects instead of names.
 *
 * The target is a Ridge bundle at most 20% of the tfjs-layers one. This test measures and prints
 * the ratios and what dominates the Ridge bundles; it does not assert the target, which neither
 * script meets yet (see tests/README.md), only a budget that keeps the `/base` script from
 * growing. It asserts what the structure guarantees: @ridge/regularizers alone bundles no layer,
 * optimizer or loss code, and the `/base` script bundles none of the optional parts it does not
 * import (saving, summary, progress output, model-level rules, data
 * other than tensors, several inputs or outputs, callbacks, predict/evaluate/penalties, masking, optimizer
 * clipping, weight decay and configs, layer configs) and no registration code (entry checks, plugin
 * manifests, semver, name resolution).
 */

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface Bundle {
  readonly bytes: number;
  readonly gzip: number;
  readonly text: string;
  /** Bytes in the output per input file, by path relative to the repository. */
  readonly inputs: Record<string, number>;
}

async function bundle(fixture: string): Promise<Bundle> {
  const result = await build({
    entryPoints: [path.join(FIXTURES, fixture)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-*'],
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const out = result.outputFiles[0]!.contents;
  const meta = Object.values((result.metafile as Metafile).outputs)[0]!;
  const inputs = Object.fromEntries(Object.entries(meta.inputs).map(([file, { bytesInOutput }]) => [file.replace(/^(\.\.\/)+/, ''), bytesInOutput]));
  return { bytes: out.byteLength, gzip: gzipSync(out).byteLength, text: new TextDecoder().decode(out), inputs };
}

/** Bytes per package (`packages/layers`, `@tensorflow/tfjs-layers`, ...), largest first. */
function byPackage(b: Bundle): [string, number][] {
  const sums: Record<string, number> = {};
  for (const [file, bytes] of Object.entries(b.inputs)) {
    const key = /node_modules\/(@[^/]+\/[^/]+|[^/@.][^/]*)\/(?!.*node_modules)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/');
    sums[key] = (sums[key] ?? 0) + bytes;
  }
  return Object.entries(sums).sort((a, b) => b[1] - a[1]);
}

const kb = (n: number): string => `${(n / 1000).toFixed(1)} kB`;

/** The largest input files of a bundle, one line each. */
function largest(b: Bundle, count: number): string[] {
  return Object.entries(b.inputs)
    .sort((x, y) => y[1] - x[1])
    .slice(0, count)
    .map(([f, n]) => `    ${kb(n).padStart(9)}  ${f}`);
}

/**
 * Text that survives minification, one marker per optional part of @ridge/layers and
 * @ridge/optimizers and for the registration code of @ridge/core: a '/base' script that does not
 * import a part has none of it.
 */
const OPTIONAL_MARKERS: Record<string, string> = {
  'saving (@ridge/layers/io)': 'layers-model',
  'saveWeights, loadWeights (@ridge/layers/io)': 'Layers with weights are matched by their order',
  'summary (@ridge/layers/summary)': 'Trainable params',
  'progress output (@ridge/layers/progress)': 'samples/s',
  'model-level rules (@ridge/layers/regularization)': 'onConflict must be',
  'gradient clipping (@ridge/optimizers/clipping)': 'Only one of clipNorm, globalClipNorm and clipValue',
  'weight decay exclusions (@ridge/optimizers/weight-decay)': 'a valid regular expression (',
  'optimizer configs, Keras JSON (@ridge/optimizers/io)': 'Ridge does not implement AMSGrad',
  'optimizer state (@ridge/optimizers/io)': "its state is 'iterations'",
  'fused optimizer updates (@ridge/optimizers/fused)': 'RidgeAdamUpdate',
  'fused penalty kernels (@ridge/layers/fused)': 'RidgeL1L2Penalty',
  'masking (@ridge/layers/masking)': 'does not support masking',
  'functions as losses and metrics (@ridge/layers/functions)': 'must return one value per sample',
  'data other than x and y tensors (@ridge/layers/data)': 'must be rectangular',
  'several inputs or outputs (@ridge/layers/multi-io)': 'has nothing for output',
  'callbacks (@ridge/layers/callbacks)': 'callbacks must be objects',
  'predict, evaluate, penalties (@ridge/layers/inference)': 'evaluate({ sampleWeight })',
  'trainOnBatch, testOnBatch, predictOnBatch (@ridge/layers/batch)': 'trainOnBatch while fit runs',
  "registration (@ridge/core's register, manifests)": 'INCOMPATIBLE_PLUGIN',
  'semver ranges of plugin manifests': 'is not a supported semver range',
  'layer.getConfig() (@ridge/layers/io)': 'sparse:!1',
  "name resolution (@ridge/core's deserialize, reached through the first registration)": 'has no className',
  "the shared record's set-up and DUPLICATE_CORE warning (@ridge/core, reached through registration)": 'DUPLICATE_CORE',
};

let ridge: Bundle;
let ridgeBase: Bundle;
let tfl: Bundle;
let regularizersOnly: Bundle;

beforeAll(async () => {
  checkBuilt(['@ridge/core', '@ridge/backend', '@ridge/regularizers', '@ridge/losses', '@ridge/optimizers', '@ridge/layers']);
  [ridge, ridgeBase, tfl, regularizersOnly] = (await Promise.all(
    ['seed-ridge.mjs', 'seed-ridge-base.mjs', 'seed-tfjs-layers.mjs', 'regularizers-only.mjs'].map(bundle),
  )) as [Bundle, Bundle, Bundle, Bundle];
});

describe('bundle size of the seed model script', () => {
  it('is measured against the same script on tfjs-layers, and reported', () => {
    const ratio = ridge.bytes / tfl.bytes;
    const gradients = Object.entries(ridge.inputs)
      .filter(([f]) => f.endsWith('backend/dist/tfjs-gradients.js'))
      .reduce((s, [, b]) => s + b, 0);
    const baseRatio = ridgeBase.bytes / tfl.bytes;
    const percent = (r: number): string => `${(100 * r).toFixed(1)}%`;
    const lines = [
      'Seed model script, minified, tfjs-core and backends external (target: Ridge <= 20% of tfjs-layers):',
      `  tfjs-layers                                ${kb(tfl.bytes)} (gzip ${kb(tfl.gzip)})`,
      `  Ridge, package roots and names             ${kb(ridge.bytes)} (gzip ${kb(ridge.gzip)}) = ${percent(ratio)} (gzip ${percent(ridge.gzip / tfl.gzip)})`,
      `  Ridge, '/base' entries and objects         ${kb(ridgeBase.bytes)} (gzip ${kb(ridgeBase.gzip)}) = ${percent(baseRatio)} (gzip ${percent(ridgeBase.gzip / tfl.gzip)})`,
      `  20% of tfjs-layers would be                ${kb(0.2 * tfl.bytes)}`,
      ...(gradients > 0
        ? [`  tfjs-core's gradients rebuilt by @ridge/backend in the names script: ${kb(gradients)} (the tfjs-layers script gets them from tfjs-core, external)`]
        : []),
      '  names script by package (the roots register every layer, loss, optimizer and regularizer, and load every feature):',
      ...byPackage(ridge).map(([p, b]) => `    ${kb(b).padStart(9)}  ${p}`),
      "  '/base' script by package:",
      ...byPackage(ridgeBase).map(([p, b]) => `    ${kb(b).padStart(9)}  ${p}`),
      "  largest files of the '/base' script:",
      ...largest(ridgeBase, 12),
    ];
    console.log(lines.join('\n'));
    // Both bundles hold what the script needs: a sanity check that nothing was left external.
    expect(byPackage(tfl)[0]![0]).toBe('@tensorflow/tfjs-layers');
    expect(Object.keys(ridge.inputs).some((f) => f.startsWith('packages/layers/dist/'))).toBe(true);
    expect(ridge.text).not.toMatch(/from"@ridge\//);
    expect(ridgeBase.text).not.toMatch(/from"@ridge\//);
  });

  it("keeps the '/base' script within its budget, so it only shrinks (the DESIGN target, 20%, is not met yet)", () => {
    // A ratchet, not the target. 27.4% (60,270 bytes) was measured when this budget was set, 27.8%
    // (61,341) after compile learnt plain functions as losses and metrics (Keras's wrappers). The
    // session of 2026-11-26 took the fused penalty kernels out of '/base' (59.0 -> 55.9 kB) and then
    // spent 4.4 kB on correctness that '/base' needs: models used as layers train all their layers
    // and count their penalties; metrics and weightedMetrics as Keras 3 (keys, weighting); every
    // layer refuses unknown argument keys (dense({ kernel_regularizer }) trained without its
    // penalty); disposed models, objects that only look like an optimizer or loss, malformed
    // gradients and bad batches are refused; masking's hooks (the masking code itself is behind
    // @ridge/layers/masking). Lower it when you cut more; never raise it for a feature '/base'
    // does not need (put that behind an entry instead). 27.1% (59,754 bytes) after the same code
    // took fewer bytes (shared error helpers, #private step state, one custom-gradient linear, ...).
    const BUDGET = 0.272;
    expect(ridgeBase.bytes / tfl.bytes).toBeLessThanOrEqual(BUDGET);
  });

  it("the '/base' script leaves out the optional parts it does not import, and the registration code", () => {
    for (const [part, marker] of Object.entries(OPTIONAL_MARKERS)) {
      expect(ridgeBase.text, part).not.toContain(marker);
      // the marker is real: the names script, whose roots load everything, has it
      expect(ridge.text, part).toContain(marker);
    }
  });
});

describe('@ridge/regularizers alone', () => {
  it('bundles @ridge/core and @ridge/regularizers only: no layer, optimizer, loss or backend code', () => {
    console.log(`@ridge/regularizers alone: ${kb(regularizersOnly.bytes)} (gzip ${kb(regularizersOnly.gzip)}); ` + byPackage(regularizersOnly).map(([p, b]) => `${p} ${kb(b)}`).join(', '));
    const packages = byPackage(regularizersOnly).map(([p]) => p);
    expect(packages.filter((p) => p.startsWith('packages/')).sort()).toEqual(['packages/core', 'packages/regularizers']);
    // Markers of layer code that survive minification: registered class names, method names and
    // the text of @ridge/layers' errors.
    for (const marker of ['InputLayer', 'computeOutputShape', 'kernelRegularizer', 'needs compile() first', 'use applyAll()']) {
      expect(regularizersOnly.text, marker).not.toContain(marker);
    }
    // and the markers are real: the seed bundle has them
    for (const marker of ['InputLayer', 'computeOutputShape', 'needs compile() first']) expect(ridge.text, marker).toContain(marker);
  });
});
