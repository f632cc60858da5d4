/**
 * tfjs-core, imported once for the package's base: the optimizer base and Adam import `tf` from here
 * rather than each importing `@tensorflow/tfjs-core`, so a bundle that keeps tfjs-core external (an
 * app loads exactly one copy of it) has one import statement for them instead of one per module.
 */
export * as tf from '@tensorflow/tfjs-core';
