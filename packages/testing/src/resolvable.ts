import { registry, type FactoryKind, type JsonObject } from '@ridge/core';
import { ContractError } from './contract-error.js';
import { deepEqual, differences } from './deep-equal.js';

/**
 * Checks that a name resolves in its kind's registry, both as a name and as
 * `{ className, config }`, to an object of the expected class whose config echoes the given one.
 */
export function expectResolvable(
  kind: FactoryKind,
  name: string,
  options: { className?: string; config?: JsonObject } = {},
): void {
  const reg = registry(kind);
  if (!reg.has(name)) {
    throw new ContractError(`'${name}' is not registered as a ${kind}; registered: ${reg.list().join(', ')}`);
  }
  const byName = reg.resolve(name).create();
  const className = options.className ?? byName.className;
  if (byName.className !== className) {
    throw new ContractError(`'${name}' built a ${byName.className}, expected ${className}.`);
  }
  if (!reg.has(className)) {
    throw new ContractError(`${className} (built by '${name}') is not itself a registered ${kind} name, so it cannot be deserialized.`);
  }
  const config = options.config ?? byName.getConfig();
  const byConfig = reg.resolve(className).create(config);
  if (byConfig.className !== className) {
    throw new ContractError(`{ className: '${className}' } built a ${byConfig.className}.`);
  }
  const echoed = byConfig.getConfig();
  const expected = { ...byName.getConfig(), ...config };
  if (!deepEqual(echoed, expected)) {
    throw new ContractError(
      `{ className: '${className}', config } did not keep its config: ${differences(expected, echoed).join('; ')}`,
    );
  }
}
