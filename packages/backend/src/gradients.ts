// tfjs-core defines its gradients but registers none of them unless something imports
// `register_all_gradients`, which Node's ESM loader cannot load. The build bundles that file
// (scripts/bundle-gradients.mjs) against tfjs-core's public API; importing this entry registers
// every gradient once, into the same global registry the user's tfjs-core uses.
import '../dist/tfjs-gradients.js';
