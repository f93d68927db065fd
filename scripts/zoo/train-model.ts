// `npm run train:model -- <recipe id> [--resume] [--from-checkpoint run/best.pt] [--threads N] [--device cpu|cuda]
//   [--work-dir DIR] [--models-dir DIR] [--seed N] [--max-minutes M] [--epochs E] [--variant NAME]`:
// trains a shipped model from its recipe (training/recipes/<id>.json) on ../shared/data with the
// project's trainer, then exports it to models/<id>.onnx (manifest embedded, ORT parity checked)
// and models/<id>.pt (the weights fine-tuning starts from); `--models-dir` puts them elsewhere (a
// training queue writes outside the repository). `--resume`: an interrupted run goes on from its
// last.pt within the recipe's budget, the time already spent counted. `--seed N` (the seed study)
// trains the same recipe with another seed, as <id>-seedN; `--max-minutes M` and `--epochs E` give
// every run of a study the same time or epoch budget in place of the recipe's. `--variant NAME` (the ablation table,
// variants.ts) trains the recipe with one part changed, as <id>-variant-NAME, or, for a variant that
// changes only the manifest, re-exports the recipe's model from --models-dir under it (no training).
// Progress: the trainer's JSON lines.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../../src/core/paths';
import { findPythonRuntime, TRAINING_RUNTIME_HINT } from '../../src/core/training/python-runtime';
import { dataset, hasSharedData, SHARED_DATA, trainerPairs } from './datasets';
import { readRecipe, seededModelId, trainerModules, trainerOption, withTrainerOption } from './recipes';
import { variantModelId, variantOf } from './variants';

function labelsArg(labels: number[] | undefined): string[] {
  return labels ? [labels.join(',')] : ['nonzero'];
}

function main(): number {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: {
    'from-checkpoint': { type: 'string' }, threads: { type: 'string', default: '2' }, device: { type: 'string', default: 'auto' },
    'work-dir': { type: 'string' }, 'models-dir': { type: 'string' }, resume: { type: 'boolean' }, seed: { type: 'string' },
    'max-minutes': { type: 'string' }, epochs: { type: 'string' }, variant: { type: 'string' },
  } });
  const recipe = readRecipe(positionals[0] ?? '');
  for (const flag of ['max-minutes', 'epochs'] as const) {
    if (values[flag]) recipe.trainer = withTrainerOption(recipe.trainer, `--${flag}`, values[flag]);
  }
  const python = findPythonRuntime();
  if (!python) { console.error(`train:model: ${TRAINING_RUNTIME_HINT}`); return 1; }
  const models = values['models-dir'] ?? join(appRoot(), 'models');
  mkdirSync(models, { recursive: true });
  const variant = values.variant ? variantOf(values.variant) : undefined;
  if (variant?.trainer) recipe.trainer = variant.trainer(recipe.trainer);
  const seeded = seededModelId(recipe.id, values.seed);
  const id = values.variant ? variantModelId(seeded, values.variant) : seeded;
  const manifest = JSON.stringify({ id, ...recipe.manifest });
  const [onnx, weights] = [join(models, `${id}.onnx`), join(models, `${id}.pt`)];
  const modules = trainerModules(recipe);
  const run = (args: string[]) => spawnSync(python.python, args, { env: python.env, stdio: 'inherit' }).status ?? 1;
  if (variant?.manifest) {
    const source = join(models, `${seeded}.onnx`);
    if (!existsSync(source)) { console.error(`train:model: variant ${values.variant} re-exports ${source}, which is not there`); return 1; }
    return run(['-m', modules.export, '--from-onnx', source, '--out', onnx, '--manifest-json', JSON.stringify({ id, ...variant.manifest })]);
  }
  if (values['from-checkpoint']) {
    return run(['-m', modules.export, '--checkpoint', values['from-checkpoint'], '--out', onnx,
      '--weights-out', weights, '--manifest-json', manifest]);
  }
  if (!hasSharedData()) { console.error(`train:model: needs the datasets in ${SHARED_DATA}`); return 1; }
  const work = values['work-dir'] ?? join(appRoot(), 'runs', id);
  const host = ['--threads', values.threads!, '--device', values.device!, '--out-dir', join(work, 'run'),
    '--export-onnx', onnx, '--export-weights', weights, '--manifest-json', manifest];
  if (values.resume) {
    const last = join(work, 'run', 'last.pt');
    if (!existsSync(last)) { console.error(`train:model: nothing to resume: no ${last}`); return 1; }
    const budget = ['--epochs', '--max-minutes', '--patience'].flatMap((flag) => {
      const value = trainerOption(recipe, flag);
      return value === undefined ? [] : [flag, value];
    });
    return run(['-m', modules.train, '--resume', last, ...budget, ...host]);
  }
  mkdirSync(work, { recursive: true });
  const train = dataset(recipe.train);
  const val = recipe.val ? dataset(recipe.val) : null;
  const args = [
    '-m', modules.train, '--arch', recipe.arch, '--model-kwargs', JSON.stringify(recipe.modelKwargs),
    ...trainerPairs(train, work).flatMap(([image, mask]) => ['--train', image, mask]), '--train-labels', ...labelsArg(train.labels),
    ...(val ? [...trainerPairs(val, work).flatMap(([image, mask]) => ['--val', image, mask]), '--val-labels', ...labelsArg(val.labels)] : []),
    ...recipe.trainer, ...(values.seed ? ['--seed', values.seed] : []), ...host, '--data-description', `${recipe.train} (${train.pairs.length} ${train.kind === '2d' ? 'images' : 'volume(s)'})` +
      (val ? `; model selection on ${recipe.val} (${val.pairs.length})` : ''),
  ];
  return run(args);
}

process.exitCode = main();
