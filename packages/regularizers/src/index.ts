import './register.js';

export * from './base.js';
export { constraintEntries, regularizerEntries } from './register.js';
