// Everything Ridge in one import. Each package root registers its names (and their types) when it
// is loaded, so this module registers every regularizer, constraint, loss, optimizer, layer and
// initializer; backends are registered by `@ridge/backend/<name>`, which `initBackend()` loads in
// Node (in a browser, import the ones you want).
export * from '@ridge/core';
export * from '@ridge/backend';
export * from '@ridge/regularizers';
export * from '@ridge/losses';
export * from '@ridge/optimizers';
export * from '@ridge/layers';
export * from '@ridge/testing';
