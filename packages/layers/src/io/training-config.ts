import {
  RidgeError,
  describeValue,
  getLoss,
  getOptimizer,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type OptimizerSpec,
  type RegularizerSpec,
  type WeightSelector,
} from '@ridge/core';
import type { CompileArgs, CompileLoss, Model } from '../model/model.js';
import { functionName, isFunctionLoss } from '../model/functions.js';
import { METRIC_CLASSES } from '../model/metric-classes.js';
import type { MetricSpec } from '../model/metrics.js';
import { compileRegularization } from '../model/compile-regularization.js';
import type { OnConflict, RegularizationRule } from '../model/regularization.js';
import { CustomObjectsResolver } from './custom-objects.js';
import { isSerialized, readObject, writePart } from './keras-json.js';

// ---------------------------------------------------------------------------------------------
// Writing

/** `compile`'s per-output arguments are one value, a list, or a record by output name. */
function mapSpecs<T>(value: T | readonly T[] | Readonly<Record<string, T>>, one: (v: T) => JsonValue, isOne: (v: unknown) => boolean): JsonValue {
  if (Array.isArray(value)) return (value as readonly T[]).map(one);
  if (isOne(value)) return one(value as T);
  return Object.fromEntries(Object.entries(value as Record<string, T>).map(([k, v]) => [k, one(v)]));
}

function isLossLike(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'function' || (typeof value === 'object' && value !== null && ('className' in value || 'class_name' in value));
}

/**
 * A loss as JSON. A function (or the loss compile made of it) is written by its name, as Keras 2
 * writes a custom function: loading resolves the name through the loss registry, so registering
 * a loss under that name brings it back; otherwise the model loads uncompiled, with a warning.
 */
function lossToJSON(spec: CompileLoss): JsonValue {
  if (typeof spec === 'function') return functionName(spec);
  if (isFunctionLoss(spec)) return spec.className;
  return writePart('other', getLoss(spec), 'ridge');
}

/**
 * Metric names: one list for every output, or a record by output name. A metric object with a
 * `config` (precision, recall, auc, rootMeanSquaredError) is saved as Keras 3 saves it,
 * `{ class_name, config }`, so its options come back. A custom metric (a function or
 * `{ name, perSample }`) is saved by its name; loading it needs a metric of that name, which there
 * is none of, so such a model loads uncompiled with a warning naming it.
 */
function metricsToJSON(metrics: CompileArgs['metrics'] | CompileArgs['weightedMetrics']): JsonValue {
  const names = (list: readonly MetricSpec[]): JsonValue[] =>
    list.map((m) =>
      typeof m === 'string' ? m : typeof m === 'function' ? functionName(m) : m.config ? { class_name: m.config.className, config: { ...m.config.config } } : m.name,
    );
  if (metrics === undefined) return null;
  if (Array.isArray(metrics)) return names(metrics as readonly MetricSpec[]);
  return Object.fromEntries(Object.entries(metrics as Readonly<Record<string, readonly MetricSpec[]>>).map(([k, v]) => [k, names(v)]));
}

/**
 * A selector in JSON: strings and lists stay, a RegExp becomes `{ regexp, flags }` (as optimizer
 * configs write it). A predicate has no JSON form; saving it silently would reload a model that
 * penalizes other weights, so it is an error.
 */
export function selectorToJSON(selector: WeightSelector, argument: string): JsonValue {
  if (typeof selector === 'string') return selector;
  if (selector instanceof RegExp) return { regexp: selector.source, flags: selector.flags };
  if (Array.isArray(selector)) return (selector as readonly WeightSelector[]).map((s, i) => selectorToJSON(s, `${argument}[${i}]`));
  throw new RidgeError(
    'INVALID_CONFIG',
    `Cannot save the model: compile's ${argument} is ${describeValue(selector)}, and a predicate has no JSON form. ` +
      `Select the weights with a role ('kernel'), a group ('kernels', 'all'), a path glob ('dense_*/kernel'), a RegExp ` +
      `or a list of these, and compile again before saving.`,
    { argument, received: String(selector) },
  );
}

/** The model-level rules as JSON: `[{ regularizer, include, exclude?, on_conflict }]`. */
function regularizationToJSON(option: CompileArgs['regularization']): JsonValue[] {
  const rules = compileRegularization(option);
  const many = Array.isArray(option);
  return rules.map((rule, i) => {
    const at = many ? `regularization[${i}]` : 'regularization';
    const json: JsonObject = {
      regularizer: writePart('regularizer', rule.regularizer, 'ridge'),
      include: selectorToJSON(rule.source.include, `${at}.include`),
    };
    if (rule.source.exclude !== undefined) json['exclude'] = selectorToJSON(rule.source.exclude, `${at}.exclude`);
    json['on_conflict'] = rule.onConflict;
    return json;
  });
}

/**
 * Keras's `training_config` for a compiled model: `optimizer_config` and each loss as
 * `{ class_name, config }` with the full config (so defaults Ridge chose are kept), metric names,
 * loss weights, and the model-level rules as `ridge_regularization`. Undefined before compile.
 */
export function trainingConfigToJSON(model: Model): JsonObject | undefined {
  const args = model.compileArgs;
  if (!args) return undefined;
  const optimizer = model.optimizer ?? getOptimizer(args.optimizer);
  const created = optimizer !== model.optimizer && optimizer !== (args.optimizer as unknown);
  try {
    const json: JsonObject = {
      loss: mapSpecs<CompileLoss>(args.loss, lossToJSON, isLossLike),
      metrics: metricsToJSON(args.metrics),
      weighted_metrics: metricsToJSON(args.weightedMetrics),
      loss_weights: args.lossWeights === undefined ? null : (args.lossWeights as JsonValue),
      optimizer_config: writePart('other', optimizer, 'ridge'),
    };
    if (args.regularization !== undefined) json['ridge_regularization'] = regularizationToJSON(args.regularization);
    return json;
  } finally {
    if (created) optimizer.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

function selectorFromJSON(value: JsonValue, where: string): WeightSelector {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v, i) => selectorFromJSON(v, `${where}[${i}]`));
  if (isJsonObject(value) && typeof value['regexp'] === 'string') {
    const flags = typeof value['flags'] === 'string' ? value['flags'] : '';
    try {
      return new RegExp(value['regexp'], flags);
    } catch (error) {
      throw new RidgeError('INVALID_JSON', `${where} is not a valid regular expression: ${(error as Error).message}.`, { where, received: value });
    }
  }
  throw new RidgeError('INVALID_JSON', `${where} must be a selector (a string, a list, or { regexp, flags }); received ${describeValue(value)}.`, {
    where,
    received: value,
  });
}

function rulesFromJSON(value: JsonValue, custom: CustomObjectsResolver): RegularizationRule[] {
  if (!Array.isArray(value)) {
    throw new RidgeError('INVALID_JSON', `training_config.ridge_regularization must be a list of rules; received ${describeValue(value)}.`, {
      received: value,
    });
  }
  return value.map((raw, i) => {
    const where = `training_config.ridge_regularization[${i}]`;
    if (!isJsonObject(raw) || raw['regularizer'] === undefined) {
      throw new RidgeError('INVALID_JSON', `${where} must be { regularizer, include?, exclude?, on_conflict? }; received ${describeValue(raw)}.`, {
        where,
        received: raw,
      });
    }
    const saved = raw['regularizer'];
    const own = custom.serialized('regularizer', saved) ?? custom.named('regularizer', saved);
    const rule: RegularizationRule = { regularizer: (own ?? saved) as RegularizerSpec };
    if (raw['include'] !== undefined && raw['include'] !== null) rule.include = selectorFromJSON(raw['include'], `${where}.include`);
    if (raw['exclude'] !== undefined && raw['exclude'] !== null) rule.exclude = selectorFromJSON(raw['exclude'], `${where}.exclude`);
    const onConflict = raw['on_conflict'] ?? raw['onConflict'];
    if (onConflict !== undefined && onConflict !== null) rule.onConflict = onConflict as OnConflict;
    return rule;
  });
}

/**
 * Keras 3 writes a function (a built-in one such as `mean_squared_error`, or a custom one) as
 * `{ class_name: 'function', config: '<name>' }`: that is the name.
 */
function functionNameIn(value: JsonValue): string | undefined {
  return isJsonObject(value) && (value['class_name'] ?? value['className']) === 'function' && typeof value['config'] === 'string' ? value['config'] : undefined;
}

/**
 * A loss as Keras 2 (a snake_case name), Keras 3 or Ridge (`{ class_name, config }`) writes it; core
 * reads each. A name or class in `customObjects` that the loss registry does not hold is built here.
 */
function lossFromJSON(value: JsonValue, custom: CustomObjectsResolver): CompileLoss {
  const name = functionNameIn(value) ?? value;
  return (custom.serialized('loss', name) ?? custom.named('loss', name) ?? name) as CompileLoss;
}

function lossesFromJSON(value: JsonValue | undefined, custom: CustomObjectsResolver): CompileArgs['loss'] {
  if (value === undefined || value === null) throw new RidgeError('INVALID_JSON', 'The training config has no loss.', {});
  const one = (v: JsonValue) => lossFromJSON(v, custom);
  if (Array.isArray(value)) return value.map(one);
  if (typeof value === 'string' || isSerialized(value) || functionNameIn(value) !== undefined) return one(value);
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, one(v)]));
  throw new RidgeError('INVALID_JSON', `The training config's loss must be a name, { class_name, config }, a list or a record; received ${describeValue(value)}.`, {
    received: value,
  });
}

/**
 * A metric by name; Keras 3 writes built-in metrics as serialized objects whose config has the name.
 * A stateful metric's class (`Precision`, `AUC`, ...) is rebuilt with its options when
 * `@ridge/layers/metrics` is loaded.
 */
function metricFromJSON(value: JsonValue, custom: CustomObjectsResolver): MetricSpec {
  const fn = typeof value === 'string' ? value : functionNameIn(value);
  if (fn !== undefined) return (custom.named('metric', fn) as MetricSpec | undefined) ?? fn;
  // A metric class of the user's is given the config its metric wrote (`Metric.config`), as saved.
  const own = custom.serialized('metric', value, (config) => config);
  if (own !== undefined) return own as MetricSpec;
  if (isSerialized(value)) {
    const config = value['config'];
    const make = METRIC_CLASSES[String(value['class_name'])];
    if (make && Object.hasOwn(METRIC_CLASSES, String(value['class_name']))) return make(isJsonObject(config) ? config : {});
    if (isJsonObject(config) && typeof config['name'] === 'string') return config['name'];
    return String(value['class_name'] ?? value['className']);
  }
  throw new RidgeError('INVALID_JSON', `A metric must be a name; received ${describeValue(value)}.`, { received: value });
}

/**
 * Keras 2 writes metrics as a list, or a list of lists (one per output); Keras 3 may write null.
 * Ridge takes one list for every output, or a record by output name.
 */
function metricsFromJSON(value: JsonValue | undefined, outputNames: readonly string[], custom: CustomObjectsResolver): CompileArgs['metrics'] {
  if (value === undefined || value === null) return undefined;
  const one = (v: JsonValue) => metricFromJSON(v, custom);
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(Array.isArray) && value.length === outputNames.length) {
      return Object.fromEntries(outputNames.map((n, i) => [n, (value[i] as JsonValue[]).map(one)]));
    }
    return value.flat().map(one);
  }
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(one)]));
  }
  throw new RidgeError('INVALID_JSON', `The training config's metrics must be a list or a record; received ${describeValue(value)}.`, { received: value });
}

/**
 * Keras 2.2 wrote the learning rate as `lr`. With `customObjects`, an optimizer class they hold is
 * built here, and so is a schedule of the user's in the config (which the optimizer then takes as
 * it takes a schedule object).
 */
function optimizerFromJSON(value: JsonValue | undefined, custom: CustomObjectsResolver): OptimizerSpec {
  if (value === undefined || value === null) throw new RidgeError('INVALID_JSON', 'The training config has no optimizer.', {});
  if (isSerialized(value) && isJsonObject(value['config'])) {
    const config = { ...value['config'] };
    if (config['lr'] !== undefined && config['learning_rate'] === undefined && config['learningRate'] === undefined) {
      config['learning_rate'] = config['lr'];
      delete config['lr'];
    }
    const own = custom.serialized('optimizer', { ...value, config });
    if (own !== undefined) return own as OptimizerSpec;
    if (custom.empty) return { ...value, config } as unknown as OptimizerSpec;
    return { ...value, config: custom.parts(readObject(config)) } as unknown as OptimizerSpec;
  }
  return ((custom.named('optimizer', value) as OptimizerSpec | undefined) ?? value) as unknown as OptimizerSpec;
}

/**
 * Compile arguments from a training config in any of the forms Ridge reads: Ridge's and Keras 2's
 * `training_config` (`optimizer_config`, `loss`, `metrics`, `loss_weights`), tfjs-layers'
 * `trainingConfig` (the same keys) and Keras 3's `compile_config` (`optimizer`, `loss`, ...).
 * Throws INVALID_JSON for a malformed config; names are resolved later, by `compile`, except what
 * `custom` (the load's `customObjects`) builds.
 */
export function compileArgsFromJSON(config: JsonObject, outputNames: readonly string[], custom = new CustomObjectsResolver({})): CompileArgs {
  const args: CompileArgs = {
    optimizer: optimizerFromJSON(config['optimizer_config'] ?? config['optimizer'], custom),
    loss: lossesFromJSON(config['loss'], custom),
  };
  const metrics = metricsFromJSON(config['metrics'], outputNames, custom);
  if (metrics !== undefined) args.metrics = metrics;
  const weighted = metricsFromJSON(config['weighted_metrics'], outputNames, custom);
  if (weighted !== undefined) args.weightedMetrics = weighted;
  const weights = config['loss_weights'];
  if (weights !== undefined && weights !== null) args.lossWeights = readLossWeights(weights);
  const rules = config['ridge_regularization'];
  if (rules !== undefined && rules !== null) args.regularization = rulesFromJSON(rules, custom);
  return args;
}

function readLossWeights(value: JsonValue): CompileArgs['lossWeights'] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  if (isJsonObject(value) && Object.values(value).every((v) => typeof v === 'number')) return value as Record<string, number>;
  throw new RidgeError('INVALID_JSON', `The training config's loss_weights must be a list or a record of numbers; received ${describeValue(value)}.`, {
    received: value,
  });
}
