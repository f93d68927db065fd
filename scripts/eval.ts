// `npm run eval`: every shipped model on the real data its recipe names (../shared/data), through
// the same engine calls as `medseg segment` and `medseg eval`, plus the fine-tuning experiments
// (correct → fine-tune → compare on held-out data); click-guided models by their NoC@85/90 under the
// standard protocol (eval/interactive-noc.ts). One JSON document on stdout; progress on stderr.
// `--model ID` (repeatable) measures only those models, `--experiment NAME` runs only those
// fine-tune experiments, `--no-finetune` none; `--models-dir DIR` measures the models in DIR
// instead of models/ (a training queue's output), seeded runs (<recipe>-seedN) among them, and
// then reports each recipe's Dice over its seeds as mean ± sd (eval/seed-study.ts).
// Without ../shared/data it says so and exits 0.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../src/core/paths';
import { closeImageIo } from '../src/core/io';
import { dataset, hasSharedData, SHARED_DATA } from './zoo/datasets';
import { readRecipe, recipeIds, recipeOf } from './zoo/recipes';
import { evaluateOn, scratchStudio } from './eval/evaluate-split';
import { finetuneExperiments } from './eval/finetune-experiments';
import { seedStudy } from './eval/seed-study';
import { nocOn } from './eval/interactive-noc';
import { readManifest } from '../src/core/inference';

const log = (message: string) => process.stderr.write(`eval: ${message}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    model: { type: 'string', multiple: true }, 'no-finetune': { type: 'boolean' }, experiment: { type: 'string', multiple: true },
    'models-dir': { type: 'string' },
  } });
  if (!hasSharedData()) {
    process.stdout.write(JSON.stringify({ skipped: `no ../shared/data (looked in ${SHARED_DATA})` }) + '\n');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'medseg-eval-'));
  try {
    const modelsDir = resolve(values['models-dir'] ?? join(appRoot(), 'models'));
    const { studio, finished } = scratchStudio(work, modelsDir);
    const recipes = new Set(recipeIds());
    const ids = readdirSync(modelsDir).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -'.onnx'.length))
      .filter((id) => recipes.has(recipeOf(id)) && (!values.model || values.model.includes(id))).sort();
    const models = [];
    const interactive = [];
    for (const id of ids) {
      const recipe = readRecipe(recipeOf(id));
      const clickGuided = (await readManifest(join(modelsDir, `${id}.onnx`))).interaction !== undefined;
      for (const ref of recipe.evaluate) {
        log(`${id} on ${ref}`);
        // Click-guided models are measured by the clicks they need (NoC), not by a whole-case run.
        if (clickGuided) interactive.push(await nocOn(studio, id, dataset(ref), log));
        else models.push({ ...(await evaluateOn(studio, id, dataset(ref), work)), paper: recipe.paper?.[ref] ?? null });
      }
    }
    const finetune = values['no-finetune'] ? [] : await finetuneExperiments(studio, finished, work, modelsDir, log, values.experiment);
    const seeds = seedStudy(models);
    process.stdout.write(JSON.stringify({ data: SHARED_DATA, models, interactive, finetune, ...(seeds.length ? { seedStudy: seeds } : {}) }, null, 2) + '\n');
  } finally {
    await closeImageIo();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
