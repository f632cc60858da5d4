import {
  getConstraint,
  getInitializer,
  getRegularizer,
  type Configurable,
  type Constraint,
  type ConstraintSpec,
  type Initializer,
  type InitializerSpec,
  type JsonObject,
  type Regularizer,
  type RegularizerSpec,
} from '@ridge/core';
import { serializeParts } from '../../engine/config.js';
import { forArgument } from '../../engine/errors.js';
import type { AddWeightArgs, Layer } from '../../engine/layer.js';
import type { LayerWeight } from '../../engine/weight.js';
import { Ones, Zeros } from '../../initializers/constant.js';
import { readBoolean } from './args.js';

/** The arguments of the learned scale `gamma` and offset `beta` the normalization layers share. */
export interface GammaBetaArgs {
  /** Add the learned offset `beta`; default true. */
  center?: boolean;
  /** Multiply by the learned scale `gamma`; default true. */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  betaRegularizer?: RegularizerSpec | null;
  gammaRegularizer?: RegularizerSpec | null;
  betaConstraint?: ConstraintSpec | null;
  gammaConstraint?: ConstraintSpec | null;
}

/** `center`, `scale` and the parts of `beta` and `gamma`, as the constructor read them. */
export interface GammaBeta {
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInit: Initializer;
  readonly gammaInit: Initializer;
  readonly betaReg: Regularizer | undefined;
  readonly gammaReg: Regularizer | undefined;
  readonly betaCon: Constraint | undefined;
  readonly gammaCon: Constraint | undefined;
}

/**
 * Reads `center`, `scale`, then the initializers (zeros for beta, ones for gamma), the
 * regularizers and the constraints, naming the layer and the argument on error;
 * `afterInitializers` runs between the initializers and the regularizers (BatchNormalization's
 * moving-statistics initializers, in Keras's order).
 */
export function readGammaBeta(owner: Layer, args: GammaBetaArgs, afterInitializers?: () => void): GammaBeta {
  const center = readBoolean(owner, 'center', args.center, true);
  const scale = readBoolean(owner, 'scale', args.scale, true);
  const initializer = (argument: string, spec: InitializerSpec | undefined, fallback: () => Initializer) =>
    spec === undefined ? fallback() : forArgument(owner, argument, () => getInitializer(spec));
  const regularizer = (argument: string, spec: RegularizerSpec | null | undefined) =>
    spec === undefined || spec === null ? undefined : forArgument(owner, argument, () => getRegularizer(spec));
  const constraint = (argument: string, spec: ConstraintSpec | null | undefined) =>
    spec === undefined || spec === null ? undefined : forArgument(owner, argument, () => getConstraint(spec));
  const betaInit = initializer('betaInitializer', args.betaInitializer, () => new Zeros());
  const gammaInit = initializer('gammaInitializer', args.gammaInitializer, () => new Ones());
  afterInitializers?.();
  const betaReg = regularizer('betaRegularizer', args.betaRegularizer);
  const gammaReg = regularizer('gammaRegularizer', args.gammaRegularizer);
  const betaCon = constraint('betaConstraint', args.betaConstraint);
  const gammaCon = constraint('gammaConstraint', args.gammaConstraint);
  return { center, scale, betaInit, gammaInit, betaReg, gammaReg, betaCon, gammaCon };
}

/** Creates `gamma` (with `scale`) then `beta` (with `center`), each of `shape`, through the layer's `addWeight`. */
export function addGammaBeta(
  parts: GammaBeta,
  shape: readonly number[],
  addWeight: (args: AddWeightArgs) => LayerWeight,
): { gamma: LayerWeight | undefined; beta: LayerWeight | undefined } {
  const gamma = parts.scale
    ? addWeight({ name: 'gamma', role: 'gamma', shape, initializer: parts.gammaInit, regularizer: parts.gammaReg, constraint: parts.gammaCon })
    : undefined;
  const beta = parts.center
    ? addWeight({ name: 'beta', role: 'beta', shape, initializer: parts.betaInit, regularizer: parts.betaReg, constraint: parts.betaCon })
    : undefined;
  return { gamma, beta };
}

/**
 * The config's `center`, `scale` and parts (initializers, then `extraInitializers`, then
 * regularizers and constraints, as Keras orders them). Once built, the weights hold the current
 * regularizers and constraints.
 */
export function gammaBetaConfig(
  parts: GammaBeta,
  weights: { gamma: LayerWeight | undefined; beta: LayerWeight | undefined },
  extraInitializers: Record<string, Configurable> = {},
): JsonObject {
  const { beta, gamma } = weights;
  return {
    center: parts.center,
    scale: parts.scale,
    ...serializeParts({
      betaInitializer: parts.betaInit,
      gammaInitializer: parts.gammaInit,
      ...extraInitializers,
      betaRegularizer: beta ? beta.regularizer : parts.betaReg,
      gammaRegularizer: gamma ? gamma.regularizer : parts.gammaReg,
      betaConstraint: beta ? beta.constraint : parts.betaCon,
      gammaConstraint: gamma ? gamma.constraint : parts.gammaCon,
    }),
  };
}
