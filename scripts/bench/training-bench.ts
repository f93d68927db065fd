// bench `training.<architecture>`: one training step of each shipped architecture in plain fp32 and
// in the fast trainer's precision (bf16 autocast + channels_last where the CPU has BF16), same model,
// batch and input, in one run (medseg_training.training_benchmark alternates the two kinds so
// other processes' load falls on both alike). Configurations are the recipes' own. Each architecture
// is timed at the bench's thread count and at one thread (`.oneThread`), which is how the training
// queue runs a lane: PyTorch 1.13's channels_last BatchNorm backward runs on one thread, so the
// fast step gains little from a second thread while the fp32 one gains much.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { findPythonRuntime, type PythonRuntime } from '../../src/core/training/python-runtime';
import { readRecipe, recipeIds, trainerOption, type Recipe } from '../zoo/recipes';

/** Image channels per slice: RGB photo sets have 3, CT and grey images 1; 2.5D multiplies by the slices. */
function inputChannels(recipe: Recipe): number {
  const adjacent = Number(trainerOption(recipe, '--adjacent-slices') ?? 0);
  const photo = ['kvasir', 'nuclei'].includes(recipe.train.split(':')[0]);
  return (photo ? 3 : 1) * (1 + 2 * adjacent);
}

/** One auto-segmentation recipe per architecture (the first by id), so every architecture we ship is timed once. */
function architectures(): Recipe[] {
  const byArch = new Map<string, Recipe>();
  for (const id of recipeIds()) {
    const recipe = readRecipe(id);
    if (!byArch.has(recipe.arch) && !recipe.interactive) byArch.set(recipe.arch, recipe);
  }
  return [...byArch.values()];
}

/** One `medseg_training.training_benchmark` run: fp32 and fast steps of one configuration. */
function timeSteps(python: PythonRuntime, config: Record<string, unknown>,
  size: string, batch: string, threads: number) {
  const r = spawnSync(python.python, ['-m', 'medseg_training.training_benchmark', '--config', JSON.stringify(config),
    '--size', size, '--batch-size', batch, '--repeats', '3', '--threads', String(threads)], { env: python.env, encoding: 'utf8' });
  const last = JSON.parse(r.stdout.trim().split('\n').pop() || '{}');
  if (r.status !== 0 || last.event !== 'training-benchmark') throw new Error(`training benchmark of ${config.name} failed: ${last.message ?? r.stderr}`);
  return last;
}

export function trainingBench(threads: number, log: (m: string) => void): Record<string, unknown> {
  const python = findPythonRuntime();
  if (!python) return { skipped: 'no Python training runtime' };
  const out: Record<string, unknown> = { threads, loadAverageBefore: +loadavg()[0].toFixed(2) };
  for (const recipe of architectures()) {
    const config = { name: recipe.arch, ...recipe.modelKwargs, in_channels: inputChannels(recipe) };
    const size = trainerOption(recipe, '--size') ?? '256';
    const batch = trainerOption(recipe, '--batch-size') ?? '4';
    log(`training: ${recipe.arch} (${recipe.id}: ${size}², batch ${batch}, ${config.in_channels} channels)`);
    const many = timeSteps(python, config, size, batch, threads);
    const one = threads === 1 ? many : timeSteps(python, config, size, batch, 1);
    out[recipe.arch] = {
      fp32StepSeconds: many.fp32StepSeconds, fastStepSeconds: many.fastStepSeconds, speedup: many.speedup,
      oneThread: { fp32StepSeconds: one.fp32StepSeconds, fastStepSeconds: one.fastStepSeconds, speedup: one.speedup },
      precision: many.precision, size: Number(size), batchSize: Number(batch), config, recipe: recipe.id,
    };
  }
  out.loadAverageAfter = +loadavg()[0].toFixed(2);
  return out;
}
