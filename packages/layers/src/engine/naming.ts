/** Keras-style unique layer names: 'dense', 'dense_1', 'dense_2', ... per prefix. */
const counters = new Map<string, number>();
const taken = new Set<string>();

/** Keras's rule: `Conv2D` -> `conv2d`, `SimpleRNN` -> `simple_rnn`, `InputLayer` -> `input_layer`. */
export function snakeCase(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The name `uniqueLayerName(prefix)` would give, and its counter; takes nothing. */
function nextName(prefix: string): [string, number] {
  let n = counters.get(prefix) ?? 0;
  let name = n === 0 ? prefix : `${prefix}_${n}`;
  while (taken.has(name)) {
    n++;
    name = `${prefix}_${n}`;
  }
  return [name, n];
}

export function uniqueLayerName(prefix: string): string {
  const [name, n] = nextName(prefix);
  counters.set(prefix, n + 1);
  taken.add(name);
  return name;
}

/** The name the next layer of this prefix will get, without taking it (for the messages of a refused layer). */
export function peekLayerName(prefix: string): string {
  return nextName(prefix)[0];
}

/** Records a user-chosen name so generated names avoid it. */
export function reserveLayerName(name: string): void {
  taken.add(name);
}

let variableCounter = 0;

/** tfjs variable names are global to the engine; Ridge's weight paths are not. */
export function uniqueVariableName(path: string): string {
  variableCounter++;
  return `ridge_${variableCounter}/${path}`;
}
