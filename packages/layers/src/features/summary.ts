/*
 * `@ridge/layers/summary`: `model.summary()`, the layer table with each layer's regularizers.
 * Importing this module installs it; `@ridge/layers` imports it for you.
 */
import { installFeature } from '../model/features.js';
import { summarize } from '../model/summary.js';

installFeature('summary', (model, rules, graph, print = (line) => console.log(line)) => {
  const text = summarize(model, rules, graph);
  if (print) for (const line of text.split('\n')) print(line);
  return text;
});
