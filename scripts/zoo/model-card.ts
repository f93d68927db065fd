// `npm run model:card -- <recipe id>`: measures a freshly trained shipped model on the data its
// recipe reports on (the same engine path as `medseg segment` + `medseg eval`, so `npm run eval`
// reproduces the numbers; click-guided models by NoC, click-model-card.ts), embeds them in the
// model's manifest and writes models/<id>.md.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelManifest } from '../../src/shared/manifest';
import { appRoot } from '../../src/core/paths';
import { closeImageIo } from '../../src/core/io';
import { embedManifest, readManifest } from '../../src/core/inference';
import { evaluateOn, scratchStudio } from '../eval/evaluate-split';
import { dataset } from './datasets';
import { architectureNotes, inputSection, licenceOf, optimiserText } from './card-sections';
import { clickCard, clickMetrics, type NocResult } from './click-model-card';
import { nocOn } from '../eval/interactive-noc';
import { readRecipe, trainerOption, type Recipe } from './recipes';

type Evaluation = Awaited<ReturnType<typeof evaluateOn>>;

/** Without a validation set the trainer holds out every n-th slice, n = 1 / --val-fraction (its default 0.1). */
const heldOutEvery = (recipe: Recipe) => Math.max(2, Math.round(1 / Number(trainerOption(recipe, '--val-fraction') ?? 0.1)));
const pct = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(4));

/** The network's arguments as the trainer built it (input channels included), from the manifest's `training.config`. */
function networkArguments(config: unknown): Record<string, unknown> | undefined {
  if (!config || typeof config !== 'object') return undefined;
  const { name: _name, ...kwargs } = config as Record<string, unknown>;
  return kwargs;
}

function card(recipe: Recipe, m: ModelManifest, evaluations: Evaluation[], onnxBytes: number): string {
  const t = (m.training ?? {}) as Record<string, unknown>;
  // The run's own budget (a study's --max-minutes overrides the recipe's); models exported before it was recorded: the recipe's.
  const budget = (t.budget as { epochs?: number; minutes?: number } | undefined)
    ?? { epochs: trainerOption(recipe, '--epochs'), minutes: trainerOption(recipe, '--max-minutes') };
  const rows = evaluations.map((e) => {
    const paper = recipe.paper?.[e.dataset];
    return `| ${e.dataset} | ${e.cases} | ${pct(e.dice)} | ${pct(e.iou)} | ${pct(e.precision)} | ${pct(e.recall)} | ${e.secondsPerSlice} | ${paper ? `${pct(paper.dice)} (${paper.source}${paper.note ? `; ${paper.note}` : ''})` : '–'} |`;
  });
  const selection = m.training && (t.selectionMetrics as Record<string, number> | undefined);
  return `# ${m.name} — \`${m.id}\` ${m.version}

${m.task} · ${m.modality} · architecture \`${m.architecture}\` (${JSON.stringify(networkArguments(t.config) ?? recipe.modelKwargs)}) · ONNX ${(onnxBytes / 1e6).toFixed(1)} MB, manifest embedded, BatchNorm folded.

## Measured (our own eval: \`npm run eval -- --model ${m.id}\`)

| data | cases | Dice | IoU | precision | recall | s / slice (CPU) | paper's Dice |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Mean over cases (images, or volumes); the structure's voxels against the truth's (${evaluations.map((e) => e.dataset).join(', ')}).
${selection ? `Model selection during training: Dice ${pct(selection.dice)} (pooled over voxels) on ${recipe.val ?? `every ${heldOutEvery(recipe)}th training slice or image, held out`}.` : ''}

${inputSection(m)}
## Training

- Data: ${t.data ?? recipe.train}. Licence: ${licenceOf(recipe.train)}. Reported on: ${recipe.evaluate.map((r) => `${r} (${licenceOf(r)})`).join('; ')}.
- Weights: epoch ${t.epochs}, the best on the held-out set, reached after ${Math.round(Number(t.seconds ?? 0) / 60)} min on ${t.framework ?? 'PyTorch'}, CPU (the run's budget: ${budget.epochs ?? '–'} epochs or ${budget.minutes ?? '–'} min); loss ${t.loss}; batch ${t.batchSize}; ${optimiserText(t)}.
- Augmentation: ${t.flip === false ? 'no mirror images (the volumes are in the canonical LPS order)' : 'random flips'}, scaled crops, rotation, intensity jitter${recipe.trainer.includes('--elastic') ? ', elastic deformation' : ''}.
- Recipe: \`training/recipes/${recipe.id}.json\`; remake with \`npm run train:model -- ${recipe.id} && npm run model:card -- ${recipe.id}\`.

## Architecture notes

\`\`\`
${architectureNotes(recipe.arch)}
\`\`\`
`;
}

async function main(): Promise<void> {
  const recipe = readRecipe(process.argv[2] ?? '');
  const onnx = join(appRoot(), 'models', `${recipe.id}.onnx`);
  const work = mkdtempSync(join(tmpdir(), 'medseg-card-'));
  try {
    const { studio } = scratchStudio(work);
    const manifest = await readManifest(onnx);
    const training = (manifest.training ?? {}) as Record<string, unknown>;
    // What the UI shows as the model's quality: the reported data, not the data it was selected on.
    const reported = (metrics: Record<string, number>, dataset: string): ModelManifest => ({
      ...manifest, metrics, training: { ...training, selectionMetrics: training.selectionMetrics ?? manifest.metrics, reportedOn: dataset },
    });
    let text: string, updated: ModelManifest, measured: unknown;
    if (recipe.interactive) {
      const results: NocResult[] = [];
      for (const ref of recipe.evaluate) results.push(await nocOn(studio, recipe.id, dataset(ref)));
      updated = reported(clickMetrics(results[0]), results[0].dataset);
      text = clickCard(recipe, updated, results, statSync(onnx).size);
      measured = results;
    } else {
      const evaluations: Evaluation[] = [];
      for (const ref of recipe.evaluate) evaluations.push(await evaluateOn(studio, recipe.id, dataset(ref), work));
      const [first] = evaluations;
      updated = reported({ dice: first.dice, iou: first.iou, precision: first.precision, recall: first.recall }, first.dataset);
      text = card(recipe, updated, evaluations, statSync(onnx).size);
      measured = evaluations;
    }
    await embedManifest(onnx, updated);
    writeFileSync(join(appRoot(), 'models', `${recipe.id}.md`), text);
    process.stdout.write(JSON.stringify({ model: recipe.id, evaluations: measured }, null, 2) + '\n');
  } finally {
    await closeImageIo();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
