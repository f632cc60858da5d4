import { Model, type ModelArgs } from './model.js';

/** A functional model from symbolic inputs and outputs. */
export function model(args: ModelArgs): Model {
  return new Model(args);
}
