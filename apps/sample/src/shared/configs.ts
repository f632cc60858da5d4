/** A regularizer the app can put on a weight, an activity or a whole model. */
export type RegularizerKind = 'none' | 'l1' | 'l2' | 'l1l2';

export const REGULARIZER_KINDS: readonly RegularizerKind[] = ['none', 'l1', 'l2', 'l1l2'];

/** `l1l2` uses `factor` for both its l1 and its l2 factor. */
export interface RegularizerChoice {
  readonly kind: RegularizerKind;
  readonly factor: number;
}

/** Keras's three per-layer arguments. */
export interface LayerChoice {
  readonly kernel?: RegularizerChoice;
  readonly bias?: RegularizerChoice;
  readonly activity?: RegularizerChoice;
}

/** `compile({ regularization: { regularizer, include, onConflict } })`. */
export interface ModelRuleChoice extends RegularizerChoice {
  readonly include: 'kernels' | 'all';
  readonly onConflict: 'skip' | 'add' | 'replace';
}

export type OptimizerChoice = { readonly name: 'adam' } | { readonly name: 'adamw'; readonly weightDecay: number };

/** The two Dense layers of the question's model. */
export const LAYER_NAMES = ['dense_1', 'dense_2'] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

/** One experiment: the same model, differently regularized. JSON only, so the web page and the report can carry it. */
export interface ExperimentConfig {
  readonly id: string;
  readonly label: string;
  /** One sentence: what this configuration shows. */
  readonly about: string;
  readonly layers: Readonly<Partial<Record<LayerName, LayerChoice>>>;
  readonly model?: ModelRuleChoice;
  readonly optimizer: OptimizerChoice;
}

const l2 = (factor: number): RegularizerChoice => ({ kind: 'l2', factor });
const l1 = (factor: number): RegularizerChoice => ({ kind: 'l1', factor });

/**
 * The configurations the CLI compares. The factors are Keras's defaults where the question used
 * them (l2 = 0.01); L1's and AdamW's were chosen on the default run (1,000 digits, 40 epochs) so
 * that each regularized model gives up a few points of training accuracy, which makes their gaps
 * and weights comparable.
 */
export const EXPERIMENTS: readonly ExperimentConfig[] = [
  {
    id: 'none',
    label: 'No regularization',
    about: 'The baseline: Adam fits 1,000 digits perfectly and the validation accuracy stalls.',
    layers: {},
    optimizer: { name: 'adam' },
  },
  {
    id: 'layer-l2',
    label: "Per-layer L2 (the question's)",
    about: "The question's model: l2(0.01) on dense_1's kernel, bias and activity, and on dense_2's kernel.",
    layers: { dense_1: { kernel: l2(0.01), bias: l2(0.01), activity: l2(0.01) }, dense_2: { kernel: l2(0.01) } },
    optimizer: { name: 'adam' },
  },
  {
    id: 'model-l2',
    label: "Model-level 'l2'",
    about: "compile({ regularization: 'l2' }): l2(0.01) on every kernel, no biases, no activities, no layer touched.",
    layers: {},
    model: { ...l2(0.01), include: 'kernels', onConflict: 'skip' },
    optimizer: { name: 'adam' },
  },
  {
    id: 'layer-l1',
    label: 'Per-layer L1',
    about: 'l1(0.001) on both kernels: the penalty pulls every weight towards 0 at the same rate, so most end there.',
    layers: { dense_1: { kernel: l1(0.001) }, dense_2: { kernel: l1(0.001) } },
    optimizer: { name: 'adam' },
  },
  {
    id: 'adamw',
    label: 'AdamW weight decay',
    about: 'adamw({ weightDecay: 5 }): no penalty in the loss; the optimizer shrinks kernels by lr * 5 = 0.5% a step.',
    layers: {},
    optimizer: { name: 'adamw', weightDecay: 5 },
  },
];

export function experimentById(id: string): ExperimentConfig | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}

/** `l2(0.01)`, `l1l2(0.001)`, or `-`. */
export function describeChoice(choice: RegularizerChoice | undefined): string {
  if (!choice || choice.kind === 'none') return '-';
  return `${choice.kind}(${choice.factor})`;
}
