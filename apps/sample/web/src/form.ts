import {
  EXPERIMENTS,
  LAYER_NAMES,
  REGULARIZER_KINDS,
  type ExperimentConfig,
  type LayerChoice,
  type RegularizerChoice,
  type RegularizerKind,
} from '../../src/shared/configs.js';

const SLOTS = ['kernel', 'bias', 'activity'] as const;
type Slot = (typeof SLOTS)[number];

export interface RunSettings {
  readonly epochs: number;
  readonly trainCount: number;
  readonly batchSize: number;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function select(id: string, options: readonly (string | [string, string])[], label: string): HTMLSelectElement {
  const s = el('select', { id, 'aria-label': label });
  for (const o of options) {
    const [value, text] = Array.isArray(o) ? o : [o, o];
    s.append(el('option', { value }, text));
  }
  return s;
}

function numberInput(id: string, value: number, label: string, attrs: Record<string, string> = {}): HTMLInputElement {
  return el('input', { id, type: 'number', value: String(value), 'aria-label': label, step: 'any', min: '0', ...attrs });
}

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

/** A kind select and a factor input, side by side. */
function regularizerPicker(id: string, label: string): HTMLElement {
  const wrap = el('span', { class: 'picker' });
  wrap.append(select(`${id}-kind`, REGULARIZER_KINDS, `${label} regularizer`), numberInput(`${id}-factor`, 0.01, `${label} factor`));
  return wrap;
}

function readChoice(id: string): RegularizerChoice {
  const kind = byId<HTMLSelectElement>(`${id}-kind`).value as RegularizerKind;
  const factor = Number(byId<HTMLInputElement>(`${id}-factor`).value);
  return { kind, factor };
}

function writeChoice(id: string, choice: RegularizerChoice | undefined): void {
  byId<HTMLSelectElement>(`${id}-kind`).value = choice?.kind ?? 'none';
  if (choice && choice.kind !== 'none') byId<HTMLInputElement>(`${id}-factor`).value = String(choice.factor);
}

/** Builds the controls inside the page's fieldsets. */
export function buildForm(): void {
  const presets = byId<HTMLSelectElement>('preset');
  for (const e of EXPERIMENTS) presets.append(el('option', { value: e.id }, e.label));

  const layers = byId<HTMLFieldSetElement>('layers');
  const table = el('table', { class: 'pickers' });
  const head = el('tr');
  head.append(el('th'), el('th', {}, 'dense_1 (250, tanh)'), el('th', {}, 'dense_2 (10)'));
  table.append(head);
  for (const slot of SLOTS) {
    const row = el('tr');
    row.append(el('th', {}, slot));
    for (const layer of LAYER_NAMES) {
      const cell = el('td');
      cell.append(regularizerPicker(`${layer}-${slot}`, `${layer} ${slot}`));
      row.append(cell);
    }
    table.append(row);
  }
  layers.append(table);

  const rule = byId<HTMLFieldSetElement>('model-rule');
  rule.append(
    regularizerPicker('model', 'model-level'),
    select('model-include', [['kernels', 'on kernels'], ['all', 'on all weights']], 'model-level include'),
    select('model-conflict', [['skip', 'layer wins (skip)'], ['add', 'add to layer'], ['replace', 'replace layer']], 'model-level onConflict'),
  );

  const optimizer = byId<HTMLFieldSetElement>('optimizer-set');
  optimizer.append(
    select('optimizer', [['adam', 'adam'], ['adamw', 'adamw (decoupled decay)']], 'optimizer'),
    el('label', { for: 'weight-decay' }, ' weightDecay '),
    numberInput('weight-decay', 5, 'weight decay'),
  );

  const optimizerSelect = byId<HTMLSelectElement>('optimizer');
  const decay = byId<HTMLInputElement>('weight-decay');
  const syncDecay = () => (decay.disabled = optimizerSelect.value !== 'adamw');
  optimizerSelect.addEventListener('change', syncDecay);
  syncDecay();

  const run = byId<HTMLFieldSetElement>('run-set');
  run.append(
    el('label', { for: 'epochs' }, 'epochs '),
    numberInput('epochs', 10, 'epochs', { min: '1', max: '200', step: '1' }),
    el('label', { for: 'train-count' }, ' training digits '),
    select('train-count', ['1000', '500', '200'], 'training digits'),
    el('label', { for: 'batch-size' }, ' batch '),
    numberInput('batch-size', 32, 'batch size', { min: '1', step: '1' }),
  );

  const apply = () => {
    const preset = EXPERIMENTS.find((e) => e.id === presets.value);
    if (preset) writeConfig(preset);
    byId('preset-about').textContent = preset?.about ?? '';
  };
  presets.addEventListener('change', apply);
  apply();
}

/** Fills the controls from a configuration. */
export function writeConfig(config: ExperimentConfig): void {
  for (const layer of LAYER_NAMES) for (const slot of SLOTS) writeChoice(`${layer}-${slot}`, config.layers[layer]?.[slot]);
  writeChoice('model', config.model);
  byId<HTMLSelectElement>('model-include').value = config.model?.include ?? 'kernels';
  byId<HTMLSelectElement>('model-conflict').value = config.model?.onConflict ?? 'skip';
  byId<HTMLSelectElement>('optimizer').value = config.optimizer.name;
  if (config.optimizer.name === 'adamw') byId<HTMLInputElement>('weight-decay').value = String(config.optimizer.weightDecay);
  byId<HTMLInputElement>('weight-decay').disabled = config.optimizer.name !== 'adamw';
}

/** The configuration the controls describe. Factors are passed on as typed; Ridge rejects bad ones with a message. */
export function readConfig(): ExperimentConfig {
  const layers: Partial<Record<(typeof LAYER_NAMES)[number], LayerChoice>> = {};
  for (const layer of LAYER_NAMES) {
    const choice: Partial<Record<Slot, RegularizerChoice>> = {};
    for (const slot of SLOTS) {
      const c = readChoice(`${layer}-${slot}`);
      if (c.kind !== 'none') choice[slot] = c;
    }
    if (Object.keys(choice).length) layers[layer] = choice;
  }
  const model = readChoice('model');
  const optimizer = byId<HTMLSelectElement>('optimizer').value;
  const preset = EXPERIMENTS.find((e) => e.id === byId<HTMLSelectElement>('preset').value);
  return {
    id: 'custom',
    label: preset ? `${preset.label} (as set on the page)` : 'Custom',
    about: '',
    layers,
    ...(model.kind !== 'none'
      ? {
          model: {
            ...model,
            include: byId<HTMLSelectElement>('model-include').value as 'kernels' | 'all',
            onConflict: byId<HTMLSelectElement>('model-conflict').value as 'skip' | 'add' | 'replace',
          },
        }
      : {}),
    optimizer: optimizer === 'adamw' ? { name: 'adamw', weightDecay: Number(byId<HTMLInputElement>('weight-decay').value) } : { name: 'adam' },
  };
}

export function readSettings(): RunSettings {
  return {
    epochs: Number(byId<HTMLInputElement>('epochs').value),
    trainCount: Number(byId<HTMLSelectElement>('train-count').value),
    batchSize: Number(byId<HTMLInputElement>('batch-size').value),
  };
}
