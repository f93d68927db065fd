// `npx tsx scripts/zoo/train-queue.ts --runs DIR [--lanes 2] [--threads 1] [--max-minutes M] <recipe[@seed]>…`: trains
// recipes one after another (in `--lanes` parallel lanes, each taking the next item when it is
// free, so the list's order is the order of value) with `train:model`, writing everything under
// DIR (never into the repository): DIR/<id>/run (checkpoints), DIR/<id>/train.log (the trainer's
// JSON lines), DIR/models (ONNX + .pt), DIR/queue.log (one line per start and end). It is
// resumable: started again, it skips items with DIR/<id>/done.json and resumes those with a
// last.pt. Start it under `nice -n 19`; the trainers inherit the priority.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../../src/core/paths';
import { seededModelId } from './recipes';

const { values, positionals } = parseArgs({ allowPositionals: true, options: {
  runs: { type: 'string' }, lanes: { type: 'string', default: '2' }, threads: { type: 'string', default: '1' },
  'max-minutes': { type: 'string' }, // one time budget for every run (a seed study), in place of each recipe's
} });
if (!values.runs || positionals.length === 0) {
  console.error('usage: train-queue.ts --runs DIR [--lanes N] [--threads N] [--max-minutes M] <recipe[@seed]>…');
  process.exit(2);
}
const runs = resolve(values.runs);
const models = join(runs, 'models');
mkdirSync(models, { recursive: true });
const log = (line: string) => appendFileSync(join(runs, 'queue.log'), `${new Date().toISOString()} ${line}\n`);

interface Item { recipe: string; seed?: string; id: string }
const items: Item[] = positionals.map((p) => {
  const [recipe, seed] = p.split('@');
  return { recipe, seed, id: seededModelId(recipe, seed) };
});

/** The trainer's last `done` or `error` event in a log. */
function lastOutcome(file: string): Record<string, unknown> | null {
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').trim().split('\n').filter((l) => l.startsWith('{"event": "done"') || l.startsWith('{"event": "error"'));
  return lines.length ? JSON.parse(lines.at(-1)!) : null;
}

function train(item: Item): Promise<void> {
  const work = join(runs, item.id);
  mkdirSync(work, { recursive: true });
  const resume = existsSync(join(work, 'run', 'last.pt'));
  const args = ['tsx', join(appRoot(), 'scripts', 'zoo', 'train-model.ts'), item.recipe, '--work-dir', work, '--models-dir', models,
    '--threads', values.threads!, '--device', 'cpu', ...(item.seed ? ['--seed', item.seed] : []), ...(resume ? ['--resume'] : []),
    ...(values['max-minutes'] ? ['--max-minutes', values['max-minutes']] : [])];
  const logFile = join(work, 'train.log');
  const out = openSync(logFile, 'a');
  log(`start ${item.id}${resume ? ' (resumed)' : ''}`);
  return new Promise((done) => {
    const child = spawn('npx', args, { cwd: appRoot(), stdio: ['ignore', out, out] });
    child.on('close', (code) => {
      const outcome = lastOutcome(logFile);
      if (code === 0 && outcome?.event === 'done') {
        writeFileSync(join(work, 'done.json'), JSON.stringify(outcome, null, 2));
        log(`done ${item.id}: ${outcome.stopReason} after ${outcome.epochs} epochs (best ${outcome.bestEpoch}, Dice ${outcome.bestValDice}), ${outcome.seconds} s`);
      } else {
        log(`FAILED ${item.id}: exit ${code}${outcome?.event === 'error' ? `: ${outcome.message}` : ''}`);
      }
      done();
    });
  });
}

const pending = items.filter((item) => !existsSync(join(runs, item.id, 'done.json')));
log(`queue: ${pending.map((i) => i.id).join(', ')} (${values.lanes} lanes × ${values.threads} threads)`);
async function lane(): Promise<void> {
  for (let item = pending.shift(); item; item = pending.shift()) await train(item);
}
await Promise.all(Array.from({ length: Math.max(1, Number(values.lanes)) }, lane));
log('queue finished');
