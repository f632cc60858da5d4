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
 * it: a rejected call changes nothing. Every slot has its weight's shape: a slot of a weight seen
 * already is checked against the slot it replaces; slots of a weight not seen yet go to `pending`,
 * and must agree with each other (their weight's shape is checked at its first step, see
 * `restoreSlot`). Returns the restored `iterations`, if given.
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
  const given = new Set(weights.map((w) => w.name));
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
    const path = name.slice(0, cut);
    const record = byPath.get(path);
    if (record === undefined) {
      // The weight is unknown until its first step; its slots (given now or before) must agree.
      const kept = [...state.pending].filter(([other]) => !given.has(other));
      const sibling = [...restores, ...kept].find(([other]) => other.startsWith(`${path}/`) && !other.slice(path.length + 1).includes('/'));
      if (sibling && !sameShape(sibling[1].shape, tensor.shape)) {
        throw slotShapeError(state.className, name, tensor.shape, sibling[1].shape, `its weight's other slot '${sibling[0]}'`);
      }
      restores.push([name, tensor]);
    } else {
      const target = record.slots[k]!;
      if (!sameShape(target.shape, tensor.shape)) throw slotShapeError(state.className, name, tensor.shape, target.shape, `the weight '${path}'`);
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

/**
 * The INVALID_WEIGHTS error of `setWeights` for a slot whose shape is not `expected`, the shape of
 * `what` (the weight, or its other slot): names the slot and both shapes, and says nothing changed.
 */
function slotShapeError(className: string, name: string, shape: readonly number[], expected: readonly number[], what: string): RidgeError {
  return new RidgeError(
    'INVALID_WEIGHTS',
    `${className}.setWeights(): the slot '${name}' has shape [${shape.join(', ')}], but ${what} has shape [${expected.join(', ')}]; ` +
      `every slot has its weight's shape. Nothing was restored: pass the state getWeights() returned for the same weights.`,
    { name, shape, expected },
  );
}

/**
 * The slot that `setSlotWeights` restored for a weight seen for the first time, taken out of
 * `pending`. Restored slots that do not fit the weight (only checkable now) fail this step, before
 * any slot of the weight is made, and are dropped, so that the next step starts the weight afresh
 * instead of failing again.
 */
export function restoreSlot(pending: Map<string, Tensor>, weight: WeightInfo, name: string): Variable | undefined {
  const own = [...pending.keys()].filter((k) => k.startsWith(`${weight.path}/`) && !k.slice(weight.path.length + 1).includes('/'));
  const misfit = own.find((k) => !sameShape(pending.get(k)!.shape, weight.variable.shape));
  if (misfit !== undefined) {
    const shape = pending.get(misfit)!.shape;
    for (const k of own) {
      dispose(pending.get(k));
      pending.delete(k);
    }
    throw new RidgeError(
      'INVALID_WEIGHTS',
      `The restored slot '${misfit}' has shape [${shape.join(', ')}], but the weight '${weight.path}' has shape ` +
        `[${weight.variable.shape.join(', ')}]: setWeights() was given state for other weights. This step changed no weight; ` +
        `the restored slots of '${weight.path}' (${own.map((k) => `'${k}'`).join(', ')}) were dropped, so the next step starts them from scratch.`,
      { name: misfit, shape, expected: weight.variable.shape, dropped: own },
    );
  }
  const key = `${weight.path}/${name}`;
  const restored = pending.get(key);
  if (restored === undefined) return undefined;
  pending.delete(key);
  const slot = variable(restored, false);
  restored.dispose();
  return slot;
}
