import { RidgeError, describeValue, invalidArgument, type WeightInfo } from '@ridge/core';
import { cast, clone, dispose, keep, scalar, tidy, variable, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import type { SlotState } from './features.js';
import { sameShape, type OptimizerWeight } from './optimizer-base.js';

/**
 * An optimizer's state as copies the caller owns: `iterations` (an int32 scalar), then one tensor
 * per slot, named `<weight path>/<slot>` (for example `dense_1/kernel/momentum`).
 */
export function getSlotWeights(state: SlotState): OptimizerWeight[] {
  const names = state.slotNames;
  const out: OptimizerWeight[] = [{ name: 'iterations', tensor: scalar(state.iterations, 'int32') }];
  for (const record of state.records.values()) {
    record.slots.forEach((slot, k) => out.push({ name: `${record.path}/${names[k]!}`, tensor: clone(slot) }));
  }
  for (const [name, tensor] of state.pending) out.push({ name, tensor: clone(tensor) });
  return out;
}

/**
 * Restores state saved by `getSlotWeights` (copies, not the given tensors), after checking all of
 * it: a rejected call changes nothing. Slots of weights not seen yet go to `pending`. Returns the
 * restored `iterations`, if given.
 */
export function setSlotWeights(state: SlotState, weights: readonly OptimizerWeight[]): number | undefined {
  const names = state.slotNames;
  const byPath = new Map([...state.records.values()].map((r) => [r.path, r]));
  let iterations: number | undefined;
  const assigns: [Variable, Tensor][] = [];
  const restores: [string, Tensor][] = [];
  if (!Array.isArray(weights)) {
    throw invalidArgument('weights', weights, "a list of { name, tensor }, as getWeights() returns");
  }
  (weights as readonly unknown[]).forEach((item, i) => {
    const w = item as Partial<OptimizerWeight> | null;
    if (typeof w !== 'object' || w === null || typeof w.name !== 'string' || typeof w.tensor?.dataSync !== 'function') {
      throw invalidArgument(`weights[${i}]`, item, '{ name, tensor } with name a string and tensor a Tensor');
    }
  });
  for (const { name, tensor } of weights) {
    if (name === 'iterations') {
      iterations = tensor.dataSync()[0];
      if (!(tensor.size === 1 && Number.isInteger(iterations) && iterations! >= 0)) {
        throw invalidArgument('iterations', iterations, 'a scalar integer >= 0', 'INVALID_WEIGHTS');
      }
      continue;
    }
    const cut = name.lastIndexOf('/');
    const slot = name.slice(cut + 1);
    const k = names.indexOf(slot);
    if (cut <= 0 || k < 0) {
      throw new RidgeError(
        'INVALID_WEIGHTS',
        `${state.className} has no slot ${describeValue(name)}; its state is 'iterations' and ` +
          `'<weight path>/<slot>' with slot ${names.length > 0 ? names.map((n) => `'${n}'`).join(' or ') : '(none)'}.`,
        { name, slots: names },
      );
    }
    const record = byPath.get(name.slice(0, cut));
    if (record === undefined) restores.push([name, tensor]);
    else {
      const target = record.slots[k]!;
      if (!sameShape(target.shape, tensor.shape)) {
        throw new RidgeError(
          'INVALID_WEIGHTS',
          `${name} has shape [${tensor.shape.join(', ')}], but the slot has shape [${target.shape.join(', ')}].`,
          { name, shape: tensor.shape, expected: target.shape },
        );
      }
      assigns.push([target, tensor]);
    }
  }
  tidy(() => {
    for (const [target, tensor] of assigns) target.assign(cast(tensor, 'float32'));
  });
  for (const [name, tensor] of restores) {
    dispose(state.pending.get(name));
    state.pending.set(name, keep(cast(tensor, 'float32')));
  }
  return iterations;
}

/** The slot that `setSlotWeights` restored for a weight seen for the first time, taken out of `pending`. */
export function restoreSlot(pending: Map<string, Tensor>, weight: WeightInfo, name: string): Variable | undefined {
  const key = `${weight.path}/${name}`;
  const restored = pending.get(key);
  if (restored === undefined) return undefined;
  if (!sameShape(restored.shape, weight.variable.shape)) {
    throw new RidgeError(
      'INVALID_WEIGHTS',
      `The restored slot ${key} has shape [${restored.shape.join(', ')}], but the weight has shape ` +
        `[${weight.variable.shape.join(', ')}].`,
      { name: key, shape: restored.shape, expected: weight.variable.shape },
    );
  }
  pending.delete(key);
  const slot = variable(restored, false);
  restored.dispose();
  return slot;
}
