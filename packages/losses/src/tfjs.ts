/**
 * tfjs-core, imported once for the package. Modules import `tf` from here rather than each
 * importing `@tensorflow/tfjs-core`: a bundle that keeps tfjs-core external (an app loads exactly one
 * copy of it) then has one import statement for the package instead of one per module.
 */
export * as tf from '@tensorflow/tfjs-core';
