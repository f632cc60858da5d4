import {
  getConstraint,
  getRegularizer,
  shapeError,
  type Constraint,
  type ConstraintSpec,
  type Regularizer,
  type RegularizerSpec,
  type WeightInfo,
  type WeightRole,
} from '@ridge/core';
import { tf } from './tfjs.js';
import { probeRegularizer } from './probe.js';
import { formatShape } from './shape.js';

/** What a weight needs to know about its layer, without a cycle to layer.ts. */
export interface WeightOwner {
  readonly name: string;
  readonly trainable: boolean;
}

/**
 * One weight of a layer: a tfjs variable plus its role, path, trainability, regularizer and
 * constraint. The regularizer and constraint are read when a step runs, so assigning
 * `layer.kernel.regularizer = l2(0.1)` on a built or trained model takes effect on the next step.
 */
export class LayerWeight implements WeightInfo {
  declare readonly owner: WeightOwner;
  /** The weight's name within its layer: `kernel`, `bias`, `recurrent_kernel`, `gamma`. */
  declare readonly name: string;
  declare readonly role: WeightRole;
  declare readonly variable: tf.Variable;
  #trainable: boolean;
  #regularizer: Regularizer | undefined;
  #constraint: Constraint | undefined;

  constructor(
    owner: WeightOwner,
    name: string,
    role: WeightRole,
    variable: tf.Variable,
    options: { trainable?: boolean; regularizer?: Regularizer | undefined; constraint?: Constraint | undefined } = {},
  ) {
    this.owner = owner;
    this.name = name;
    this.role = role;
    this.variable = variable;
    this.#trainable = options.trainable ?? true;
    this.#regularizer = options.regularizer;
    this.#constraint = options.constraint;
  }

  /** `layer/weight`, for example `dense_1/kernel`. */
  get path(): string {
    return `${this.owner.name}/${this.name}`;
  }

  /** Trainable when both the weight and its layer are. Frozen weights carry no penalty. */
  get trainable(): boolean {
    return this.#trainable && this.owner.trainable;
  }

  set trainable(value: boolean) {
    this.#trainable = value;
  }

  get shape(): number[] {
    return this.variable.shape;
  }

  get regularizer(): Regularizer | undefined {
    return this.#regularizer;
  }

  /** Accepts a regularizer, a registered name or `{ className, config }`; `undefined` removes it. */
  set regularizer(spec: RegularizerSpec | undefined) {
    if (spec === undefined || spec === null) {
      this.#regularizer = undefined;
      return;
    }
    const reg = getRegularizer(spec);
    probeRegularizer(reg, this.shape, `the regularizer of ${this.path}`);
    this.#regularizer = reg;
  }

  get constraint(): Constraint | undefined {
    return this.#constraint;
  }

  set constraint(spec: ConstraintSpec | undefined) {
    this.#constraint = spec === undefined || spec === null ? undefined : getConstraint(spec);
  }

  read(): tf.Tensor {
    return this.variable;
  }

  /** Replaces the value, keeping shape and dtype. */
  assign(value: tf.Tensor): void {
    if (!tf.util.arraysEqual(value.shape, this.variable.shape)) {
      throw shapeError(
        `${this.path}: cannot assign a value of shape ${formatShape(value.shape)} to a weight of shape ` +
          `${formatShape(this.variable.shape)}.`,
        { path: this.path, received: value.shape, expected: this.variable.shape },
      );
    }
    tf.tidy(() => this.variable.assign(value.dtype === this.variable.dtype ? value : tf.cast(value, this.variable.dtype)));
  }

  dispose(): void {
    this.variable.dispose();
  }
}
