// Variants of a recipe for the ablation table: each turns one of the recipe's parts off (or test-time
// flips on) and is trained or re-exported under its own id, `<recipe>-variant-<name>`, so that
// `npm run eval -- --models-dir DIR` measures it on the recipe's own data beside the recipe itself.
import { withTrainerOption } from './recipes';

export interface Variant {
  what: string;
  /** Trained variants: the recipe's trainer arguments, changed. */
  trainer?: (args: string[]) => string[];
  /** Re-exported variants: the same network, these fields merged into its embedded manifest. */
  manifest?: Record<string, unknown>;
}

export const VARIANTS: Record<string, Variant> = {
  '2d': { what: 'one slice in, not slices k−1, k, k+1', trainer: (t) => withTrainerOption(t, '--adjacent-slices', '0') },
  'light-augment': {
    what: "the earlier recipes' light augmentation (geometry, contrast, brightness, noise; no gamma, blur, elastic, colour or JPEG)",
    trainer: (t) => withTrainerOption(withTrainerOption(t, '--augment', 'light'), '--elastic', '0'),
  },
  fp32: { what: 'plain fp32 training steps (no bf16 autocast, no channels_last)', trainer: (t) => withTrainerOption(t, '--precision', 'fp32') },
  tta: { what: 'test-time flip averaging, horizontal and vertical (4 runs per slice)', manifest: { output: { testTimeFlips: ['horizontal', 'vertical'] } } },
  'no-postprocess': { what: 'no post-processing (largest component, hole filling)', manifest: { output: { largestComponent: false, fillHoles: false } } },
};

export const variantModelId = (recipeId: string, variant: string): string => `${recipeId}-variant-${variant}`;

export function variantOf(name: string): Variant {
  const variant = VARIANTS[name];
  if (!variant) throw new Error(`no variant "${name}" (known: ${Object.keys(VARIANTS).join(', ')})`);
  return variant;
}
