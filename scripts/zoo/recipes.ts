// Recipes of the shipped models (training/recipes/<id>.json): architecture, data, trainer settings
// and the manifest fields the trainer cannot know, so every model in models/ can be made again.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../src/core/paths';

export interface Recipe {
  id: string;
  arch: string;
  modelKwargs: Record<string, unknown>;
  /** Click-guided (AI clicks): trained by medseg_training.interactive.train, reported by NoC@85/90. */
  interactive?: boolean;
  /** Dataset refs (scripts/zoo/datasets.ts): trained on, selected on (optional), reported on. */
  train: string;
  val?: string;
  evaluate: string[];
  /** Trainer arguments beyond data and architecture (window, size, epochs, batch size, …). */
  trainer: string[];
  manifest: Record<string, unknown>;
  /** What the architecture's paper reports, by the dataset ref we report on, for the tables. */
  paper?: Record<string, { source: string; dice?: number; iou?: number; precision?: number; recall?: number; note?: string }>;
}

const recipesDir = join(appRoot(), 'training', 'recipes');
export const recipePath = (id: string) => join(recipesDir, `${id}.json`);
export const readRecipe = (id: string): Recipe => JSON.parse(readFileSync(recipePath(id), 'utf8'));
export const recipeIds = (): string[] => readdirSync(recipesDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
/** The Python modules that train and export the recipe's model. */
export const trainerModules = (recipe: Recipe) => recipe.interactive
  ? { train: 'medseg_training.interactive.train', export: 'medseg_training.interactive.export' }
  : { train: 'medseg_training.train', export: 'medseg_training.export' };
/** The value a recipe gives a trainer flag (`--epochs` → "40"), if it gives one. */
export function trainerOption(recipe: Recipe, flag: string): string | undefined {
  const i = recipe.trainer.indexOf(flag);
  return i < 0 ? undefined : recipe.trainer[i + 1];
}

/** The recipe's trainer arguments with `flag` set to `value` (replaced where the recipe gives it, else added). */
export function withTrainerOption(trainer: string[], flag: string, value: string): string[] {
  const i = trainer.indexOf(flag);
  return i < 0 ? [...trainer, flag, value] : [...trainer.slice(0, i + 1), value, ...trainer.slice(i + 2)];
}

/** How a run of a recipe with another seed is named (the seed study): `unet-nuclei` seed 2 → `unet-nuclei-seed2`. */
export const seededModelId = (recipeId: string, seed?: string): string => (seed ? `${recipeId}-seed${seed}` : recipeId);
export const SEEDED_MODEL_ID = /^(.+)-seed(\d+)$/;
/** A variant of a recipe (the ablation table, scripts/zoo/variants.ts): `<recipe>-variant-<name>`. */
export const VARIANT_MODEL_ID = /^(.+?)-variant-([a-z0-9-]+)$/;
/** The recipe a model was trained from: `unet-nuclei-seed2` → `unet-nuclei`, `unet-nuclei-variant-tta` → `unet-nuclei`. */
export function recipeOf(id: string): string {
  const base = VARIANT_MODEL_ID.exec(id)?.[1] ?? id;
  return SEEDED_MODEL_ID.exec(base)?.[1] ?? base;
}
