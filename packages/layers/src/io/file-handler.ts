import { RidgeError, describeValue, isJsonObject } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import type * as NodeFs from 'node:fs/promises';
import type * as NodePath from 'node:path';

export const FILE_SCHEME = 'file://';

/**
 * The files a save writes into its directory: the JSON (`json[0]`) and the weights it lists
 * (`bin`). Loading a directory reads the first of `json` that is there. `what` names the saved
 * thing in messages.
 */
export interface SavedFiles {
  readonly what: string;
  readonly json: readonly [string, ...string[]];
  readonly bin: string;
}

/** `model.save()`: tfjs-node's names. */
export const MODEL_FILES: SavedFiles = { what: 'model', json: ['model.json'], bin: 'weights.bin' };

/**
 * `model.saveWeights()`: Keras's `model.weights` stem, so that the weights of `save()` and of
 * `saveWeights()` can share a directory. `loadWeights` also reads the weights of a `save()`.
 */
export const WEIGHTS_FILES: SavedFiles = { what: 'weights', json: ['model.weights.json', 'model.json'], bin: 'model.weights.bin' };

interface NodeModules {
  readonly fs: typeof NodeFs;
  readonly path: typeof NodePath;
}

/**
 * Node's file system, imported when a `file://` model is first saved or loaded. The specifiers are
 * variables so that bundlers leave them alone: a browser bundle of Ridge has no `fs` in it.
 */
async function nodeModules(): Promise<NodeModules> {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `'${FILE_SCHEME}' models can be saved and loaded only in Node. In a browser use 'downloads://', 'indexeddb://', ` +
        `'localstorage://' or an http(s) URL, or pass a tf.io handler.`,
      { argument: 'target' },
    );
  }
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  const [fs, path] = await Promise.all([import(/* @vite-ignore */ fsName) as Promise<typeof NodeFs>, import(/* @vite-ignore */ pathName) as Promise<typeof NodePath>]);
  return { fs, path };
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

function toArrayBuffer(buffer: Uint8Array): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/**
 * tfjs-node's `file://` handler, without tfjs-node: saving writes `model.json` (topology, weights
 * manifest, format, generatedBy, convertedBy, and trainingConfig, signature and
 * userDefinedMetadata when present) and `weights.bin` (every weight's little-endian values, in
 * manifest order) into a directory, created if needed. Loading takes that directory or the path
 * of its `model.json`, and reads every weights file the manifest lists (sharded files included).
 * `files` names the files (`model.weights.json` and `model.weights.bin` for `saveWeights`).
 */
export class FileHandler implements tf.io.IOHandler {
  constructor(
    readonly path: string,
    readonly files: SavedFiles = MODEL_FILES,
  ) {}

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new RidgeError('INVALID_ARGUMENT', `${FILE_SCHEME}: a binary (graph model) topology cannot be saved as a layers model.`, {});
    }
    const { fs, path } = await nodeModules();
    const dir = path.resolve(this.path);
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
      throw new RidgeError('INVALID_ARGUMENT', `Cannot save to '${dir}': it exists as a file. Give a directory, new or existing.`, { path: dir });
    }
    const modelJSON: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      weightsManifest: [{ paths: [this.files.bin], weights: artifacts.weightSpecs ?? [] }],
      format: artifacts.format!,
      generatedBy: artifacts.generatedBy!,
      convertedBy: artifacts.convertedBy!,
    };
    if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
    if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
    if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
    const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    await fs.writeFile(path.join(dir, this.files.json[0]), JSON.stringify(modelJSON), 'utf8');
    await fs.writeFile(path.join(dir, this.files.bin), new Uint8Array(data));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const { fs, path } = await nodeModules();
    const { what, json: names } = this.files;
    let file = path.resolve(this.path);
    let candidates = [file];
    try {
      if ((await fs.stat(file)).isDirectory()) candidates = names.map((name) => path.join(file, name));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      throw new RidgeError('INVALID_ARGUMENT', `No ${what} at '${file}': the path does not exist. Give the directory ${what === 'model' ? 'a model was' : 'they were'} saved to, or its ${names[0]}.`, {
        path: file,
      });
    }
    let text: string | undefined;
    for (const candidate of candidates) {
      try {
        text = await fs.readFile(candidate, 'utf8');
        file = candidate;
        break;
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
    }
    if (text === undefined) {
      // One name: the message names the missing file, as tfjs-node's does; several: the directory.
      const where = candidates.length > 1 ? file : candidates[0]!;
      throw new RidgeError('INVALID_ARGUMENT', `No ${what} at '${where}': there is no ${names.join(' or ')} in that directory.`, { path: where });
    }
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch (error) {
      throw new RidgeError('INVALID_JSON', `'${file}' is not valid JSON: ${(error as Error).message}.`, { path: file });
    }
    if (!isJsonObject(json)) throw new RidgeError('INVALID_JSON', `'${file}' must hold an object with modelTopology; received ${describeValue(json)}.`, { path: file });
    const artifacts: tf.io.ModelArtifacts = {
      modelTopology: json['modelTopology'] as object,
      format: json['format'] as string,
      generatedBy: json['generatedBy'] as string,
      convertedBy: json['convertedBy'] as string | null,
    };
    if (json['weightsManifest'] != null) {
      const [specs, data] = await this.readWeights(json['weightsManifest'], path.dirname(file), { fs, path });
      artifacts.weightSpecs = specs;
      artifacts.weightData = data;
    }
    if (json['trainingConfig'] != null) artifacts.trainingConfig = json['trainingConfig'] as unknown as tf.io.TrainingConfig;
    if (json['signature'] != null) artifacts.signature = json['signature'] as object;
    if (json['userDefinedMetadata'] != null) artifacts.userDefinedMetadata = json['userDefinedMetadata'] as tf.io.ModelArtifacts['userDefinedMetadata'];
    return artifacts;
  }

  private async readWeights(manifest: unknown, dir: string, { fs, path }: NodeModules): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
    if (!Array.isArray(manifest) || !manifest.every((g) => isJsonObject(g) && Array.isArray(g['paths']) && Array.isArray(g['weights']))) {
      throw new RidgeError('INVALID_JSON', `weightsManifest must be a list of { paths, weights }; received ${describeValue(manifest)}.`, {});
    }
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest as tf.io.WeightsManifestConfig) {
      for (const name of group.paths) {
        const file = path.join(dir, name);
        try {
          buffers.push(toArrayBuffer(await fs.readFile(file)));
        } catch (error) {
          if (errorCode(error) !== 'ENOENT') throw error;
          throw new RidgeError('INVALID_WEIGHTS', `The weights file '${file}' that model.json lists does not exist.`, { path: file });
        }
      }
      specs.push(...group.weights);
    }
    return [specs, tf.io.concatenateArrayBuffers(buffers)];
  }
}

/**
 * The handler behind `'file://path'`, for code that takes a tfjs-core handler (tfjs-layers'
 * `model.save(fileSystem('dir'))` and `tf.loadLayersModel(fileSystem('dir/model.json'))` work
 * with it in Node, without tfjs-node).
 */
export function fileSystem(path: string): tf.io.IOHandler {
  return new FileHandler(path);
}
