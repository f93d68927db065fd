// Variants of a recipe for the ablation table: each turns one of the recipe's parts off (or test-time
// flips on) and is trained or re-exported under its own id, `<recipe>-variant-<name>`, so that
// `npm run eval -- --models-dir DIR` measures it on the recipe's own data beside the recipe itself.
import { withTrainerOption } from './recipes';

export interface Variant {
  /** Trained variants: the recipe's trainer arguments, changed. */
  trainer?: (args: string[]) => string[];
  /** Re-exported variants: the same network, these fields merged into its embedded manifest. */
  manifest?: Record<string, unknown>;
}

export const VARIANTS: Record<string, Variant> = {
  // one slice in, not slices k−1, k, k+1
  '2d': { trainer: (t) => withTrainerOption(t, '--adjacent-slices', '0') },
  // the earlier recipes' light augmentation (geometry, contrast, brightness, noise; no gamma, blur, elastic, colour or JPEG)
  'light-augment': { trainer: (t) => withTrainerOption(withTrainerOption(t, '--augment', 'light'), '--elastic', '0') },
  // plain fp32 training steps (no bf16 autocast, no channels_last)
  fp32: { trainer: (t) => withTrainerOption(t, '--precision', 'fp32') },
  // test-time flip averaging, horizontal and vertical (4 runs per slice)
  tta: { manifest: { output: { testTimeFlips: ['horizontal', 'vertical'] } } },
  // no post-processing (largest component, hole filling)
  'no-postprocess': { manifest: { output: { largestComponent: false, fillHoles: false } } },
};

export const variantModelId = (recipeId: string, variant: string): string => `${recipeId}-variant-${variant}`;

export function variantOf(name: string): Variant {
  const variant = VARIANTS[name];
  if (!variant) throw new Error(`no variant "${name}" (known: ${Object.keys(VARIANTS).join(', ')})`);
  return variant;
}
