import { RidgeError, describeValue, isJsonObject, type JsonObject, type JsonValue } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type CallOptions, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';
import { activationNames, canonicalActivation, getActivation } from '../../engine/activations.js';
import { formatShape, isShape, type Shape } from '../../engine/shape.js';
import { isSymbolic, type SymbolicTensor } from '../../engine/symbolic.js';
import { savedFunctionName } from '../../io/keras-json.js';

/** What a Lambda's function receives: one tensor for one input, the list for several. */
export type LambdaInputs = tf.Tensor | tf.Tensor[];

/** The mask of each input, in the shape of the inputs: one (or undefined) for one input, a list for several. */
export type LambdaMasks = tf.Tensor | undefined | (tf.Tensor | undefined)[];

/** What else a Lambda's function is told, as Keras passes `training` and `mask` to a function that asks for them. */
export interface LambdaContext {
  /** True in `fit`'s training steps, false in `predict`, `evaluate` and eager calls (unless given). */
  readonly training: boolean;
  /** The inputs' masks, for a Lambda that has a `mask` (only such a Lambda supports masking). */
  readonly mask?: LambdaMasks;
}

/** A Lambda's computation: `(inputs, arguments, context) => outputs`, run inside the layer's call. */
export type LambdaFunction<I extends LambdaInputs = LambdaInputs, A extends object = Record<string, unknown>> = (
  inputs: I,
  args: A,
  context: LambdaContext,
) => tf.Tensor | tf.Tensor[];

/** Keras's `output_shape` as a function: the whole output shape (batch first) from the input shape (a list for several inputs). */
export type LambdaOutputShapeFunction = (inputShape: Shape | Shape[]) => Shape | Shape[];

/** Keras's `mask` as a function (`compute_mask`): the outputs' mask from the inputs and their masks; one for every output, or one per output. */
export type LambdaMaskFunction<I extends LambdaInputs = LambdaInputs> = (inputs: I, mask: LambdaMasks) => tf.Tensor | undefined | (tf.Tensor | undefined)[];

/**
 * A function as a saved config holds it, by name: Keras 3's `{ class_name: 'function', config:
 * '<name>' }` (camelCase here). `module: 'keras.activations'` marks Keras's (and Ridge's)
 * activation functions, which load without `customObjects`.
 */
export interface SavedFunction {
  readonly className: 'function';
  readonly config: string;
  readonly module?: string;
}

export interface LambdaArgs<I extends LambdaInputs = LambdaInputs, A extends object = Record<string, unknown>> extends LayerArgs {
  /**
   * Keras's `function`: called as `function(inputs, arguments, { training, mask })` and returning
   * a tensor or a list of tensors. It runs inside the layer's call, so gradients flow through it.
   * Saved by its name (`fn.name`): give it one (`function double(x) {...}` or
   * `const double = (x) => ...`) and load with `customObjects: { double }`.
   */
  function: LambdaFunction<I, A> | SavedFunction;
  /**
   * Keras's `output_shape`: the output shape without the batch axis (a list of them for several
   * outputs), or a function of the whole input shape returning the whole output shape. Default:
   * inferred by calling the function once on zeros (see the README).
   */
  outputShape?: Shape | Shape[] | LambdaOutputShapeFunction | SavedFunction | null;
  /**
   * Keras's `mask`: a function of the inputs and their masks giving the outputs' mask. With one,
   * the layer supports masking (its function receives the masks in `context.mask`); without one,
   * a masked input's mask ends here, as in Keras.
   */
  mask?: LambdaMaskFunction<I> | SavedFunction | null;
  /** Keras's `arguments`: passed to the function as its second argument; JSON values to be saved. */
  arguments?: A | null;
}

/** Keras 3 (JAX backend) infers shapes by running a function twice, unknown dimensions set to these two sizes: a dimension that differs is unknown. */
const PROBE_SIZES = [83, 89] as const;

/** The name JavaScript gives an inline function written as the value of an argument: not a name of the user's. */
const INFERRED = new Set(['function', 'outputShape', 'mask']);

const KERAS_ACTIVATIONS = 'keras.activations';

/** Python bytecode, as Keras saves a `lambda` (`__lambda__`; Keras 2: `function_type: 'lambda'`). */
function isBytecode(value: unknown): boolean {
  return isJsonObject(value) && (value['className'] ?? value['class_name']) === '__lambda__';
}

/** The Ridge activation `fn` is (the same function object), by its Keras name. */
function activationName(fn: unknown): string | undefined {
  const name = activationNames().find((n) => getActivation(n) === fn);
  return name === undefined ? undefined : canonicalActivation(name);
}

/** Where a value that is not JSON sits in `arguments`, or undefined when it is all JSON. */
function notJson(value: unknown, path: string): { path: string; value: unknown } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, value };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = notJson(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      const found = notJson(v, `${path}[${JSON.stringify(k)}]`);
      if (found) return found;
    }
    return undefined;
  }
  return { path, value };
}

/**
 * Keras's Lambda: a layer that computes `function(inputs, arguments)`, for a computation that
 * needs no weights. It owns no weights: a variable the function creates or closes over is not
 * trained, saved or penalized (Keras warns of it; Ridge cannot see it). Write a Layer subclass for
 * a computation with weights.
 */
export class Lambda<I extends LambdaInputs = LambdaInputs, A extends object = Record<string, unknown>> extends Layer {
  static override readonly className = 'Lambda';
  static override readonly argKeys = argKeys<LambdaArgs>()(['function'], ['outputShape', 'mask', 'arguments']);

  /** One input or several: the function gets the tensor or the list. */
  protected override readonly multiInput: boolean = true;

  readonly #fn: LambdaFunction<I, A>;
  /** The config form of each function argument, when it came from one (kept so a loaded layer saves the same names). */
  readonly #saved: Partial<Record<'function' | 'outputShape' | 'mask', SavedFunction>> = {};
  readonly #outputShape: Shape[] | LambdaOutputShapeFunction | undefined;
  /** Whether `outputShape` was one shape (one output), not a list of them. */
  readonly #oneShape: boolean;
  readonly #mask: LambdaMaskFunction<I> | undefined;
  readonly #arguments: A;
  /** The dtypes of the symbolic inputs being applied, for the shape probe. */
  #inputDtypes: tf.DataType[] | undefined;
  /** The first output's dtype, found by the last shape probe. */
  #probedDtype: tf.DataType = 'float32';

  constructor(args: LambdaArgs<I, A>) {
    super(args);
    this.#fn = this.#function('function', args.function) as LambdaFunction<I, A>;
    const shape = args.outputShape ?? undefined;
    if (shape === undefined) {
      this.#outputShape = undefined;
      this.#oneShape = true;
    } else if (typeof shape === 'function' || (isJsonObject(shape) && savedFunctionName(shape) !== undefined) || isBytecode(shape)) {
      this.#outputShape = this.#function('outputShape', shape) as LambdaOutputShapeFunction;
      this.#oneShape = true;
    } else if (isShape(shape)) {
      this.#outputShape = [[...shape]];
      this.#oneShape = true;
    } else if (Array.isArray(shape) && shape.length > 0 && shape.every(isShape)) {
      this.#outputShape = (shape as Shape[]).map((s) => [...s]);
      this.#oneShape = false;
    } else {
      throw layerArgError(this, 'outputShape', shape, 'the output shape without the batch axis ([4]), a list of them for several outputs, or a function of the input shape');
    }
    const mask = args.mask ?? undefined;
    this.#mask = mask === undefined ? undefined : (this.#function('mask', mask) as LambdaMaskFunction<I>);
    const given = args.arguments ?? {};
    if (typeof given !== 'object' || Array.isArray(given)) throw layerArgError(this, 'arguments', given, 'an object of named values passed to the function');
    this.#arguments = { ...given } as A;
  }

  /**
   * A function argument: a function, or its saved form. A saved name is a Ridge activation when
   * the file says it is Keras's (`module: 'keras.activations'`); any other name comes back only
   * through `loadModel`'s `customObjects`, which put the function itself here.
   */
  #function(argument: 'function' | 'outputShape' | 'mask', value: unknown): (...args: never[]) => unknown {
    if (typeof value === 'function') return value as (...args: never[]) => unknown;
    if (isBytecode(value)) {
      throw new RidgeError(
        'INVALID_CONFIG',
        `${who(this)}: ${argument} is a Python lambda saved by Keras as bytecode, which Ridge cannot run. Rebuild this layer in code ` +
          `(lambda({ function: ... })), or in Python replace the lambda with a named function (def my_fn(x): ...), save again, and load ` +
          `with customObjects: { my_fn: myFn } mapping that name to a JavaScript function.`,
        { layer: this.name, argument },
      );
    }
    const name = savedFunctionName(value);
    if (name === undefined) throw layerArgError(this, argument, value, 'a function');
    const module = isJsonObject(value) && typeof value['module'] === 'string' ? value['module'] : undefined;
    if (module === KERAS_ACTIVATIONS && activationNames().includes(name)) {
      this.#saved[argument] = { className: 'function', config: canonicalActivation(name), module };
      return getActivation(name) as (...args: never[]) => unknown;
    }
    throw new RidgeError(
      'UNKNOWN_NAME',
      `${who(this)}: ${argument} is the function '${name}', saved by its name: JavaScript functions cannot be saved. ` +
        `Pass it when loading: loadModel(url, { customObjects: { ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}': myFunction`} } }) (or modelFromJSON(json, { customObjects })).`,
      { layer: this.name, argument, name },
    );
  }

  /** Passes masks on only with a `mask` function, as Keras's Lambda (`supports_masking` is `mask is not None`). */
  override get supportsMasking(): boolean {
    return this.#mask !== undefined;
  }

  override computeOutputMasked(_inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    return Array.from({ length: outputCount }, () => this.#mask !== undefined);
  }

  /** Keras's `compute_mask`: the `mask` function's result, one for every output or one per output. */
  override computeMask(inputs: readonly tf.Tensor[], masks: readonly (tf.Tensor | undefined)[], outputCount: number): (tf.Tensor | undefined)[] {
    if (this.#mask === undefined) return Array.from({ length: outputCount }, () => undefined);
    const out = this.#mask(this.#one(inputs) as I, this.#one(masks));
    if (Array.isArray(out)) return Array.from({ length: outputCount }, (_, i) => out[i]);
    if (out !== undefined && !(out instanceof tf.Tensor)) {
      throw layerArgError(this, `mask '${this.#mask.name}'`, out, 'a function returning a tf.Tensor, undefined, or a list of them (one per output)');
    }
    return Array.from({ length: outputCount }, () => out);
  }

  #one<T>(list: readonly T[]): T | T[] {
    return list.length === 1 ? list[0]! : [...list];
  }

  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[];
  override applyAll(inputs: tf.Tensor | readonly tf.Tensor[], options?: CallOptions): tf.Tensor[];
  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[] | tf.Tensor | readonly tf.Tensor[], options: CallOptions = {}): SymbolicTensor[] | tf.Tensor[] {
    // The shape probe needs the inputs' dtypes (int32 ids, say), which computeOutputShape is not given.
    const list: unknown[] = Array.isArray(inputs) ? inputs : [inputs];
    this.#inputDtypes = list.map((x) => (isSymbolic(x) ? x.dtype : 'float32'));
    try {
      return super.applyAll(inputs as never, options);
    } finally {
      this.#inputDtypes = undefined;
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    // A list of shapes from apply(); one shape from a wrapper that asks for one input (TimeDistributed).
    const shapes = inputShape.length > 0 && Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    const given = this.#outputShape;
    if (typeof given === 'function') {
      const out = given(this.#one(shapes) as Shape | Shape[]);
      if (isShape(out) || (Array.isArray(out) && out.length > 0 && out.every(isShape))) return out;
      throw layerArgError(this, `outputShape '${given.name}'`, out, 'a function returning a shape (batch axis first) or a list of shapes');
    }
    if (given !== undefined) {
      // Keras: a given shape leaves out the batch axis, which is the first input's.
      const batch = shapes[0]?.[0] ?? null;
      const out = given.map((s) => [batch, ...s]);
      return this.#oneShape ? out[0]! : out;
    }
    return this.#probe(shapes);
  }

  /**
   * The output shape, found as Keras 3 finds it without `output_shape`: the function runs (in
   * inference mode) on zeros of the input shapes twice, each unknown dimension set to 83 and then
   * to 89; an output dimension that differs between the runs is unknown (null).
   */
  #probe(shapes: Shape[]): Shape | Shape[] {
    const dtypes = this.#inputDtypes ?? shapes.map(() => 'float32' as const);
    const runs = PROBE_SIZES.map((size) => {
      try {
        return tf.tidy(() => {
          const zeros = shapes.map((s, i) => tf.zeros(s.map((d) => d ?? size), dtypes[i] ?? 'float32'));
          return this.#run(zeros, { training: false }).map((t) => ({ shape: t.shape, dtype: t.dtype }));
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new RidgeError(
          RidgeError.is(error) ? error.code : 'SHAPE_MISMATCH',
          `${who(this)}: could not infer the output shape: function '${this.#fn.name}' failed on zeros of shape ` +
            `${shapes.map((s) => formatShape(s.map((d) => d ?? size))).join(', ')} (unknown dimensions set to ${size}): ${reason} ` +
            `Pass outputShape (the output shape without the batch axis) to skip this probe.`,
          { layer: this.name, argument: 'outputShape', cause: error },
        );
      }
    });
    const [first, second] = runs as [typeof runs[0], typeof runs[0]];
    this.#probedDtype = (first[0]?.dtype ?? 'float32') as tf.DataType;
    const out = first.map((o, i) => o.shape.map((d, axis) => (second[i]?.shape[axis] === d ? d : null)));
    return out.length === 1 ? out[0]! : out;
  }

  protected override outputDtype(_inputs: readonly SymbolicTensor[]): tf.DataType {
    return this.#outputShape === undefined ? this.#probedDtype : 'float32';
  }

  /** Calls the function and checks that it returned tensors. */
  #run(inputs: readonly tf.Tensor[], ctx: CallContext): tf.Tensor[] {
    const context: LambdaContext = this.#mask !== undefined && ctx.masks ? { training: ctx.training, mask: this.#one(ctx.masks) } : { training: ctx.training };
    const out = this.#fn(this.#one(inputs) as I, this.#arguments, context);
    const list: unknown[] = Array.isArray(out) ? out : [out];
    if (list.length === 0 || !list.every((t) => t instanceof tf.Tensor)) {
      throw layerArgError(this, `function '${this.#fn.name}'`, out, 'a function returning a tf.Tensor or a non-empty list of tf.Tensors');
    }
    return list as tf.Tensor[];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor[] {
    return this.#run(inputs as tf.Tensor[], ctx);
  }

  /** A function argument's config form: its saved form if it came from one, else its name (refused when it has none). */
  #savedForm(argument: 'function' | 'outputShape' | 'mask', fn: (...args: never[]) => unknown): JsonObject {
    const saved = this.#saved[argument];
    if (saved) return { ...saved };
    const activation = activationName(fn);
    if (activation !== undefined) return { module: KERAS_ACTIVATIONS, className: 'function', config: activation };
    if (typeof fn.name !== 'string' || fn.name === '' || INFERRED.has(fn.name)) {
      throw new RidgeError(
        'INVALID_CONFIG',
        `${who(this)} cannot be saved: its ${argument} is an anonymous function${fn.name ? ` (JavaScript named it '${fn.name}' after the argument)` : ''}, ` +
          `and Ridge saves a function by its name, as Keras does. Give it a name (function myFn(...) {...} or const myFn = (...) => ...), ` +
          `pass it as ${argument}: myFn, and load with customObjects: { myFn }.`,
        { layer: this.name, argument, received: describeValue(fn) },
      );
    }
    return { className: 'function', config: fn.name };
  }

  /**
   * Keras 3's keys. Functions are saved by name (`{ className: 'function', config: name }`),
   * `arguments` as they are: each value must be JSON (refused otherwise, naming the key).
   */
  protected override layerConfig(): JsonObject {
    const bad = notJson(this.#arguments, 'arguments');
    if (bad) {
      throw new RidgeError(
        'INVALID_CONFIG',
        `${who(this)} cannot be saved: ${bad.path} is ${describeValue(bad.value)}, which has no JSON form. ` +
          `Lambda arguments are saved in the model's JSON: pass numbers, strings, booleans, null, or lists and plain objects of them ` +
          `(make tensors inside the function).`,
        { layer: this.name, argument: bad.path, received: describeValue(bad.value) },
      );
    }
    const shape = this.#outputShape;
    return {
      function: this.#savedForm('function', this.#fn),
      outputShape: shape === undefined ? null : typeof shape === 'function' ? this.#savedForm('outputShape', shape) : this.#oneShape ? [...shape[0]!] : shape.map((s) => [...s]),
      mask: this.#mask === undefined ? null : this.#savedForm('mask', this.#mask),
      arguments: JSON.parse(JSON.stringify(this.#arguments)) as JsonValue,
    };
  }
}

/**
 * Keras's Lambda layer: `lambda({ function: (x, { factor }) => tf.mul(x, factor), arguments: { factor: 2 } })`.
 * Type the function's inputs (`(x: tf.Tensor) => ...`, `([a, b]: tf.Tensor[]) => ...`) to pick one or several.
 */
export function lambda<I extends LambdaInputs = tf.Tensor, A extends object = Record<string, unknown>>(args: LambdaArgs<I, A>): Lambda<I, A> {
  return new Lambda(args);
}
