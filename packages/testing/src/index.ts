export { ContractError } from './contract-error.js';
export { deepEqual, differences } from './deep-equal.js';
export { expectConfigRoundTrip } from './round-trip.js';
export { expectResolvable } from './resolvable.js';
export { expectNoTensorLeak } from './no-leak.js';
