import { RidgeError, describeValue, mustBeError } from '@ridge/core';
import type * as NodeFs from 'node:fs/promises';
import { checkOptions } from '../engine/errors.js';
import type { SaveOptions } from '../io/save.js';
import { checkSaveOptions, checkSaveWeightsOptions } from '../io/save-options.js';
import type { SaveWeightsOptions } from '../io/save-weights.js';
import { monitorMode, unknownDirection, type Callback, type CallbackModel, type Logs } from './callbacks.js';
import { feature } from './features.js';

/*
 * Callbacks that write files: modelCheckpoint() (Keras 3's ModelCheckpoint) and csvLogger()
 * (Keras 3's CSVLogger).
 */

// ---------------------------------------------------------------------------------------------
// Path templates: the part of Python's format mini-language Keras users put in checkpoint paths,
// `{epoch:02d}`, `{batch}`, `{val_loss:.2f}`, `{loss:.3e}`, `{{` and `}}`.

interface Field {
  readonly key: string;
  /** `d` (integer, zero-padded to `width` when `zero`), `f` or `e` (with `precision`), or plain. */
  readonly type: 'd' | 'f' | 'e' | '';
  readonly width: number;
  readonly zero: boolean;
  readonly precision: number;
}

type Piece = string | Field;

const SPEC = /^(0?)(\d*)(?:\.(\d+))?([dfe]?)$/;

function templateError(filepath: string, why: string): RidgeError {
  return new RidgeError(
    'INVALID_ARGUMENT',
    `modelCheckpoint: filepath ${describeValue(filepath)} ${why}. Write fields as {epoch}, {epoch:02d}, {batch}, {val_loss:.2f} or {loss:.3e}, and {{ or }} for a brace.`,
    { argument: 'filepath', received: filepath },
  );
}

function parseTemplate(filepath: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  for (let i = 0; i < filepath.length; i++) {
    const c = filepath[i]!;
    if ((c === '{' || c === '}') && filepath[i + 1] === c) {
      text += c;
      i++;
      continue;
    }
    if (c === '}') throw templateError(filepath, `has a single '}' at position ${i}`);
    if (c !== '{') {
      text += c;
      continue;
    }
    const end = filepath.indexOf('}', i);
    if (end < 0) throw templateError(filepath, `has a '{' at position ${i} that is never closed`);
    const body = filepath.slice(i + 1, end);
    const colon = body.indexOf(':');
    const key = colon < 0 ? body : body.slice(0, colon);
    const spec = colon < 0 ? '' : body.slice(colon + 1);
    const m = SPEC.exec(spec);
    if (key === '' || key.includes('{') || !m) throw templateError(filepath, `has a field {${body}} it cannot format`);
    const [, zero = '', width = '', precision, type = ''] = m;
    if (type === 'd' && precision !== undefined) throw templateError(filepath, `has a field {${body}} with a precision for an integer`);
    if (text !== '') pieces.push(text);
    text = '';
    pieces.push({
      key,
      type: type as Field['type'],
      width: width === '' ? 0 : Number(width),
      zero: zero === '0',
      precision: precision === undefined ? (type === '' ? -1 : 6) : Number(precision),
    });
    i = end;
  }
  if (text !== '') pieces.push(text);
  return pieces;
}

/** `x` in Python's `{:.Ne}` form: at least two exponent digits (`1.50e-05`). */
function exponential(x: number, precision: number): string {
  const [mantissa, exponent] = x.toExponential(precision).split('e') as [string, string];
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}

/**
 * `x` in Python's `{:.N}` form (a precision, no type): N significant digits, in scientific form
 * (`1.2e+03`) for exponents below -4 or from N - 1 on, trailing zeros dropped, and fixed notation
 * keeping one digit after the point (`100.0`).
 */
function general(x: number, precision: number): string {
  const p = Math.max(precision, 1);
  const [mantissa, exponent] = exponential(x, p - 1).split('e') as [string, string];
  const exp = Number(exponent);
  const trim = (digits: string) => (digits.includes('.') ? digits.replace(/0+$/, '').replace(/\.$/, '') : digits);
  if (exp < -4 || exp >= p - 1) return `${trim(mantissa)}e${exponent}`;
  const fixed = trim(x.toFixed(p - 1 - exp));
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/** `x` as Python's `repr` of a float: `1e-05`, `10.0`, `1.5e+20`, `-0.0`. */
function pythonFloat(x: number): string {
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const exp = Number(exponent);
  if (exp < -4 || exp >= 16) return exponential(x, mantissa.replace(/^-?\d\.?/, '').length);
  const text = Object.is(x, -0) ? '-0' : String(x);
  return text.includes('.') ? text : `${text}.0`;
}

function formatField(field: Field, value: number, filepath: string): string {
  let text: string;
  // Python writes non-finite floats as nan, inf and -inf in every float format.
  if (!Number.isFinite(value) && field.type !== 'd') text = Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  else if (field.type === 'd') {
    if (!Number.isInteger(value)) throw templateError(filepath, `formats {${field.key}} as an integer, but it is ${value} (use {${field.key}:.4f})`);
    text = String(Math.abs(value));
    if (field.zero) text = text.padStart(field.width - (value < 0 ? 1 : 0), '0');
    if (value < 0) text = `-${text}`;
  } else if (field.type === 'f') text = `${Object.is(value, -0) ? '-' : ''}${value.toFixed(field.precision)}`;
  else if (field.type === 'e') text = exponential(value, field.precision);
  else if (field.precision >= 0) text = general(value, field.precision);
  // {epoch} and {batch} are Python ints; every other log value is a Python float.
  else text = field.key === 'epoch' || field.key === 'batch' ? String(value) : pythonFloat(value);
  return text.padStart(field.width, field.zero ? '0' : ' ');
}

function fillTemplate(pieces: readonly Piece[], values: Logs, filepath: string): string {
  return pieces
    .map((piece) => {
      if (typeof piece === 'string') return piece;
      const value = values[piece.key];
      if (value === undefined) {
        throw new RidgeError(
          'INVALID_ARGUMENT',
          `modelCheckpoint: filepath ${describeValue(filepath)} names {${piece.key}}, which is not in this step's logs; ` +
            `available: epoch, ${Object.keys(values).filter((k) => k !== 'epoch').join(', ')}.`,
          { argument: 'filepath', received: filepath },
        );
      }
      return formatField(piece, value, filepath);
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------

/** A model a checkpoint can save: what fit hands to callbacks, with `save` (and `saveWeights`, which `@ridge/layers/io` adds). */
interface SavableModel extends CallbackModel {
  save(target: string, options?: SaveOptions): Promise<unknown>;
  saveWeights?(target: string, options?: SaveWeightsOptions): Promise<unknown>;
}

interface CheckpointArgs {
  /**
   * Where to save: a URL `model.save()` (or, with `saveWeightsOnly`, `model.saveWeights()`) takes:
   * `'file://./ckpt'` in Node, a directory, `'indexeddb://best'`, ...; with fields filled from the
   * logs as Keras does: `{epoch}` (from 1), `{batch}` (from 1, when saving every N batches), any
   * log key such as `{val_loss:.2f}` or `{accuracy:.4f}`, and `{epoch:02d}` for zero padding.
   * Keras's `.keras` and `.weights.h5` suffixes are not needed: Ridge writes tfjs's files, not
   * Keras's archives.
   */
  filepath: string;
  /** The log key `saveBestOnly` watches; default `'val_loss'`. */
  monitor?: string;
  /** 1 prints a line whenever it saves or decides not to; default 0. */
  verbose?: 0 | 1;
  /** Save only when the monitored key improves on the best value so far; default false. */
  saveBestOnly?: boolean;
  /**
   * `'min'`, `'max'`, or `'auto'` (as Keras 3: max for accuracies, AUC, precision, recall, ...,
   * min for losses and errors; see `autoMode`); default `'auto'`. With `'auto'`, a key of no known
   * direction (a metric of your own) is a RidgeError at the end of the first epoch, as in Keras 3,
   * with or without `saveBestOnly` (and at the first batch save that needs it).
   */
  mode?: 'min' | 'max' | 'auto';
  /** `'epoch'` (default) saves after every epoch; a positive integer N saves after every N batches. */
  saveFreq?: 'epoch' | number;
  /** With `saveBestOnly`, the value the first save must beat; default none. */
  initialValueThreshold?: number;
}

/** A checkpoint of the whole model, with `model.save()` (the default). */
export interface ModelCheckpointModelArgs extends CheckpointArgs {
  saveWeightsOnly?: false;
  /** Passed to `model.save()`, for example `{ includeOptimizer: true }` or `{ format: 'tfjs-layers' }`. */
  saveOptions?: SaveOptions;
}

/** A checkpoint of the weights alone, with `model.saveWeights()` (Keras's `save_weights_only=True`). */
export interface ModelCheckpointWeightsArgs extends CheckpointArgs {
  /**
   * Save the weights alone with `model.saveWeights()`, for `model.loadWeights()` into a model built
   * in code; `'file://dir'` writes `model.weights.json` and `model.weights.bin` there.
   */
  saveWeightsOnly: true;
  /**
   * Passed to `model.saveWeights()`: `{ includeOptimizer: true }` adds the optimizer's state, as
   * Keras 3's weights checkpoints of a compiled model hold it, to resume training where it stopped.
   */
  saveOptions?: SaveWeightsOptions;
}

export type ModelCheckpointArgs = ModelCheckpointModelArgs | ModelCheckpointWeightsArgs;

const CHECKPOINT_OPTIONS = ['filepath', 'monitor', 'verbose', 'saveBestOnly', 'saveWeightsOnly', 'mode', 'saveFreq', 'initialValueThreshold', 'saveOptions'];

/**
 * Saves the model (or with `saveWeightsOnly` its weights) during training, as Keras 3's
 * ModelCheckpoint: after every epoch or every N batches, optionally only when a monitored value
 * improves. The best value is kept across fits of the same callback, as Keras keeps it.
 */
export class ModelCheckpoint implements Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: 0 | 1;
  readonly saveBestOnly: boolean;
  /** Saves with `model.saveWeights()` instead of `model.save()`. */
  readonly saveWeightsOnly: boolean;
  /** The direction; `'auto'` only for a key of no known direction, which fails the first epoch's end. */
  readonly mode: 'min' | 'max' | 'auto';
  readonly saveFreq: 'epoch' | number;
  readonly saveOptions: SaveOptions | SaveWeightsOptions;
  /** The best monitored value saved so far (starts at `initialValueThreshold`, or none). */
  best: number | undefined;
  /** The URLs saved to, in order (one per save). */
  readonly saved: string[] = [];
  readonly #pieces: Piece[];
  #model: SavableModel | undefined;
  #epoch = 0;
  #batchesSinceSave = 0;
  #lastBatch = -1;
  #warned = false;

  constructor(args: ModelCheckpointArgs) {
    if (typeof args !== 'object' || args === null) {
      throw mustBeError('modelCheckpoint: args', args, "an object such as { filepath: 'file://./ckpt-{epoch:02d}' }", { argument: 'args' });
    }
    checkOptions('modelCheckpoint', args, CHECKPOINT_OPTIONS);
    const check = (ok: boolean, argument: keyof ModelCheckpointArgs, expected: string) => {
      if (!ok) throw mustBeError(`modelCheckpoint: ${argument}`, args[argument], expected, { argument });
    };
    const { filepath, monitor = 'val_loss', verbose = 0, saveBestOnly = false, saveWeightsOnly = false, mode = 'auto', saveFreq = 'epoch', initialValueThreshold, saveOptions = {} } = args;
    check(typeof filepath === 'string' && filepath !== '', 'filepath', "a URL model.save() takes, such as 'file://./ckpt-{epoch:02d}'");
    check(typeof monitor === 'string' && monitor !== '', 'monitor', "a log key, such as 'val_loss'");
    check(verbose === 0 || verbose === 1, 'verbose', '0 or 1');
    check(typeof saveBestOnly === 'boolean', 'saveBestOnly', 'true or false');
    check(typeof saveWeightsOnly === 'boolean', 'saveWeightsOnly', 'true or false');
    check(['min', 'max', 'auto'].includes(mode), 'mode', "'min', 'max' or 'auto'");
    check(saveFreq === 'epoch' || (Number.isInteger(saveFreq) && (saveFreq as number) > 0), 'saveFreq', "'epoch' or an integer > 0 (a number of batches)");
    check(initialValueThreshold === undefined || (typeof initialValueThreshold === 'number' && Number.isFinite(initialValueThreshold)), 'initialValueThreshold', 'a finite number');
    check(
      typeof saveOptions === 'object' && saveOptions !== null && !Array.isArray(saveOptions),
      'saveOptions',
      `the options object model.${saveWeightsOnly ? 'saveWeights' : 'save'}() takes`,
    );
    // Checked now, as save() or saveWeights() would check them after the first epoch has trained.
    if (saveWeightsOnly) checkSaveWeightsOptions('modelCheckpoint: saveOptions (for saveWeights, as saveWeightsOnly is true)', saveOptions);
    else checkSaveOptions('modelCheckpoint: saveOptions', saveOptions);
    this.#pieces = parseTemplate(filepath);
    this.filepath = filepath;
    this.monitor = monitor;
    this.verbose = verbose;
    this.saveBestOnly = saveBestOnly;
    this.saveWeightsOnly = saveWeightsOnly;
    this.mode = monitorMode(mode, monitor);
    this.saveFreq = saveFreq;
    this.saveOptions = saveOptions;
    this.best = initialValueThreshold;
  }

  setModel(model: CallbackModel): void {
    const { save, saveWeights } = model as Partial<SavableModel>;
    if (typeof save !== 'function') throw mustBeError('modelCheckpoint: model', model, 'a Ridge model (one with save())', { argument: 'model' });
    if (this.saveWeightsOnly && typeof saveWeights !== 'function') {
      // A Ridge model has saveWeights once '@ridge/layers/io' is imported: without it, name that import.
      feature('io', 'modelCheckpoint({ saveWeightsOnly: true })');
      throw mustBeError('modelCheckpoint: model', model, 'a Ridge model (one with saveWeights()) with saveWeightsOnly', { argument: 'model' });
    }
    this.#model = model as SavableModel;
  }

  onTrainBegin(): void {
    this.#warned = false;
  }

  onEpochBegin(epoch: number): void {
    this.#epoch = epoch;
  }

  async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    // Batches count on across epochs, as Keras counts them (a new epoch starts again at 0).
    this.#batchesSinceSave += batch <= this.#lastBatch ? batch + 1 : batch - this.#lastBatch;
    this.#lastBatch = batch;
    if (this.#batchesSinceSave < this.saveFreq) return;
    this.#batchesSinceSave = 0;
    await this.#save(this.#epoch, batch, logs);
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    // Keras 3 sets its comparison at every checkpoint's first epoch end, and raises there.
    if (this.mode === 'auto') throw unknownDirection('modelCheckpoint', this.monitor);
    if (this.saveFreq === 'epoch') await this.#save(epoch, undefined, logs);
  }

  async #save(epoch: number, batch: number | undefined, logs: Logs): Promise<void> {
    const model = this.#model;
    if (!model) return;
    // {epoch} and {batch} count from 1, as in Keras 3 (fit's batch logs carry a 0-based `batch`).
    const values: Logs = { ...logs, epoch: epoch + 1 };
    if (batch !== undefined) values['batch'] = batch + 1;
    const target = fillTemplate(this.#pieces, values, this.filepath);
    const where = `Epoch ${epoch + 1}`;
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        // As Keras: a warning, and the model is saved as if saveBestOnly were off.
        if (!this.#warned) {
          this.#warned = true;
          console.warn(
            `modelCheckpoint: can save the best model only with '${this.monitor}' in the logs, so it saves every time; available: ${Object.keys(logs).join(', ')}.` +
              (this.monitor.startsWith('val_') ? ' Keys with val_ need fit({ validationSplit }) or fit({ validationData }).' : ''),
          );
        }
      } else {
        if (this.mode === 'auto') throw unknownDirection('modelCheckpoint', this.monitor);
        const best = this.best;
        const shown = best === undefined ? 'none' : best.toFixed(5);
        const improved = best === undefined || (this.mode === 'min' ? current < best : current > best);
        if (!improved) {
          if (this.verbose) console.log(`${where}: ${this.monitor} did not improve from ${shown}`);
          return;
        }
        if (this.verbose) console.log(`${where}: ${this.monitor} improved from ${shown} to ${current.toFixed(5)}, saving model to ${target}`);
        this.best = current;
      }
    } else if (this.verbose) console.log(`${where}: saving model to ${target}`);
    if (this.saveWeightsOnly) await model.saveWeights!(target, this.saveOptions);
    else await model.save(target, this.saveOptions);
    this.saved.push(target);
  }
}

export function modelCheckpoint(args: ModelCheckpointArgs): ModelCheckpoint {
  return new ModelCheckpoint(args);
}

// ---------------------------------------------------------------------------------------------

export interface CSVLoggerArgs {
  /** The file to write, a path in Node (`'run/log.csv'`). */
  filename: string;
  /** The field separator; default `','`. */
  separator?: string;
  /** Add rows to an existing file instead of replacing it (its header is kept); default false. */
  append?: boolean;
}

/** Node's file system, imported at the first fit; a variable specifier keeps bundlers out of it. */
async function nodeFs(): Promise<typeof NodeFs> {
  const name = 'node:fs/promises';
  return (await import(/* @vite-ignore */ name)) as typeof NodeFs;
}

function inNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Writes one CSV row per epoch, as Keras 3's CSVLogger: a header `epoch` plus the log keys in
 * sorted order (every penalty term among them), the epoch counted from 0, `NA` for a key an epoch
 * does not have. Node only.
 */
export class CSVLogger implements Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  #keys: string[] | undefined;
  #fs: typeof NodeFs | undefined;
  /** Whether the next row written must be preceded by the header. */
  #header = true;

  constructor(args: CSVLoggerArgs) {
    if (typeof args !== 'object' || args === null) {
      throw mustBeError('csvLogger: args', args, "an object such as { filename: 'training.csv' }", { argument: 'args' });
    }
    checkOptions('csvLogger', args, ['filename', 'separator', 'append']);
    const { filename, separator = ',', append = false } = args;
    if (typeof filename !== 'string' || filename === '') throw mustBeError('csvLogger: filename', filename, "a file path, such as 'training.csv'", { argument: 'filename' });
    if (typeof separator !== 'string' || separator.length !== 1 || separator === '"' || separator === '\n' || separator === '\r') {
      throw mustBeError('csvLogger: separator', separator, "one character other than a quote or a line break, such as ',' or '\\t'", { argument: 'separator' });
    }
    if (typeof append !== 'boolean') throw mustBeError('csvLogger: append', append, 'true or false', { argument: 'append' });
    if (!inNode()) {
      throw new RidgeError('INVALID_ARGUMENT', `csvLogger: writes files, which only Node can; received filename ${describeValue(filename)} outside Node. In a browser, read fit's history instead.`, {
        argument: 'filename',
        received: filename,
      });
    }
    this.filename = filename;
    this.separator = separator;
    this.append = append;
  }

  async onTrainBegin(): Promise<void> {
    const fs = (this.#fs ??= await nodeFs());
    this.#keys = undefined;
    let existing = '';
    if (this.append) {
      try {
        existing = await fs.readFile(this.filename, 'utf8');
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOENT') throw error;
      }
    }
    // As Keras: a header only when the file is new or empty (or replaced).
    this.#header = existing.length === 0;
    if (!this.append) await fs.writeFile(this.filename, '');
  }

  #field(text: string): string {
    return /["\r\n]/.test(text) || text.includes(this.separator) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const fs = (this.#fs ??= await nodeFs());
    const keys = (this.#keys ??= Object.keys(logs).sort());
    let text = '';
    const row = (cells: string[]) => `${cells.map((c) => this.#field(c)).join(this.separator)}\r\n`;
    if (this.#header) {
      text += row(['epoch', ...keys]);
      this.#header = false;
    }
    text += row([String(epoch), ...keys.map((k) => (logs[k] === undefined ? 'NA' : String(logs[k])))]);
    await fs.appendFile(this.filename, text);
  }
}

export function csvLogger(args: CSVLoggerArgs): CSVLogger {
  return new CSVLogger(args);
}
