// The `medseg` command: the StudioApi from a terminal. JSON on stdout; one line on stderr and a
// non-zero exit for anything that went wrong.
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CaseSplit, Device, FinetuneJob, SliceClick, StudioApi, StudioEvent } from '../shared/api';
import { isUserError, UserError } from '../shared/errors';
import { createStudio } from '../core/studio';
import { CASES_USAGE, casesCommand } from './cases-command';

const USAGE = `usage:
  medseg info <file|folder>
  medseg series <folder>                         (the DICOM series of a folder, largest first)
  medseg models [--modality CT|MR|endoscopy|…]   (those made for the modality first)
  medseg models import <file.onnx> [--manifest m.json]
  medseg segment <file|folder> --model <id> --out <mask.nii.gz|mask.png> [--device auto|cpu|cuda] [--any-modality]
  medseg segment <file|folder>... --model <id> --out <DIR>/   (several images, model loaded once)
    (a model made for another modality than the image's is refused unless --any-modality)
  medseg eval --pred <mask|DIR> --truth <mask|DIR> [--label N] [--truth-label N] [--voxel-order]
  medseg eval --model <id> [--workspace DIR]     (every version on the held-out reviewed cases)
  medseg models versions <id>
  medseg models use <id>@<version>
${CASES_USAGE}
  medseg stats <mask> [--image <image>]          (per label: volume in mL, intensities, RECIST diameters)
  medseg refine <file|folder> --model <id> --clicks clicks.json [--mask current] [--k K] [--label N] --out <mask>
  medseg doctor                                  (execution providers, CUDA libraries found/missing, GPU, fixes)
  medseg finetune --model <id> [--workspace DIR] [--epochs N] [--lr 0.0003] [--freeze-batchnorm] [--device auto|cpu|cuda]`;

class UsageError extends Error {}

const DEVICES: Device[] = ['auto', 'cpu', 'cuda'];
const SPLITS: CaseSplit[] = ['train', 'validation'];

function deviceOf(value: string | undefined): Device {
  if (!DEVICES.includes(value as Device)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}`);
  return value as Device;
}

function labelOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const label = Number(value);
  if (!(Number.isInteger(label) && label >= 0 && label < 256)) throw new UsageError(`${flag} must be an integer 0–255`);
  return label;
}

function splitOf(value: string | undefined): CaseSplit | undefined {
  if (value !== undefined && !SPLITS.includes(value as CaseSplit)) throw new UsageError(`--split must be one of ${SPLITS.join(', ')}`);
  return value as CaseSplit | undefined;
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function readJson(path: string): any {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`Cannot read the manifest ${path}: ${(e as Error).message}`);
  }
}

/** clicks.json: [{"i", "j", "positive"}, …] or {"clicks": [...]}; the engine checks each click. */
function readClicks(path: string): SliceClick[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`Cannot read the clicks ${path}: ${(e as Error).message}`);
  }
  const clicks = Array.isArray(parsed) ? parsed : (parsed as { clicks?: unknown })?.clicks;
  if (!Array.isArray(clicks)) throw new UserError(`${path} must hold a list of clicks [{"i": 120, "j": 88, "positive": true}, …].`);
  return clicks as SliceClick[];
}

function sliceOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const k = Number(value);
  if (!Number.isInteger(k) || k < 0) throw new UsageError('--k must be a slice index (0, 1, …)');
  return k;
}

function parse(rest: string[]) {
  return parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      device: { type: 'string', default: 'auto' },
      pred: { type: 'string' },
      truth: { type: 'string' },
      label: { type: 'string' },
      'truth-label': { type: 'string' },
      'voxel-order': { type: 'boolean' },
      manifest: { type: 'string' },
      workspace: { type: 'string' },
      mask: { type: 'string' },
      image: { type: 'string' },
      split: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      'freeze-batchnorm': { type: 'boolean' },
      undo: { type: 'boolean' },
      'not-reviewed': { type: 'boolean' },
      clicks: { type: 'string' },
      k: { type: 'string' },
      modality: { type: 'string' },
      'any-modality': { type: 'boolean' },
      'beside-source': { type: 'boolean' },
    },
  });
}

/** Fine-tuning from a terminal: progress as JSON lines while it runs, the finished job as the result. */
async function finetune(studio: StudioApi, jobEvents: Map<string, (job: FinetuneJob) => void>, values: ReturnType<typeof parse>['values']) {
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  const jobId = `cli-${process.pid}`;
  const finished = new Promise<FinetuneJob>((resolve) => {
    let printed = 0;
    jobEvents.set(jobId, (job) => {
      for (const point of job.history.slice(printed)) {
        process.stdout.write(JSON.stringify({ event: 'progress', ...point, etaSeconds: job.progress?.etaSeconds ?? null }) + '\n');
      }
      printed = job.history.length;
      if (job.state !== 'running') resolve(job);
    });
  });
  // Ctrl+C cancels the job cleanly (the trainer stops, nothing changes) instead of orphaning it.
  process.once('SIGINT', () => void studio.cancelJob(jobId));
  await studio.startFinetune({ model: required(values.model, '--model'), epochs, device: deviceOf(values.device), jobId,
    learningRate: values.lr === undefined ? undefined : Number(values.lr), freezeBatchnorm: values['freeze-batchnorm'] });
  const job = await finished;
  if (job.state !== 'done') throw new UserError(job.message);
  return job;
}

async function run(studio: StudioApi, jobEvents: Map<string, (job: FinetuneJob) => void>, argv: string[]): Promise<unknown> {
  const [command, ...rest] = argv;
  const { values, positionals } = parse(rest);
  switch (command) {
    case 'info':
      return studio.imageInfo(resolve(required(positionals[0], 'the image file or folder')));
    case 'series':
      return studio.listSeries(resolve(required(positionals[0], 'the DICOM folder')));
    case 'models':
      if (positionals[0] === 'import') {
        return studio.importModel({ file: resolve(required(positionals[1], 'the .onnx file')), manifest: values.manifest ? readJson(values.manifest) : undefined });
      }
      if (positionals[0] === 'versions') return studio.modelVersions(required(positionals[1], 'the model id'));
      if (positionals[0] === 'use') return studio.setCurrentVersion(required(positionals[1], 'the model version (id@version)'));
      if (positionals.length) throw new UsageError(`unknown models command "${positionals[0]}"`);
      return values.modality ? studio.modelsFor({ modality: values.modality }) : studio.listModels();
    case 'segment': {
      const device = deviceOf(values.device);
      const inputs = positionals.map((p) => resolve(p));
      if (inputs.length === 0) throw new UsageError('missing the image file or folder');
      const model = required(values.model, '--model');
      const out = required(values.out, '--out');
      const allowOtherModality = values['any-modality'];
      if (inputs.length > 1 || out.endsWith('/') || isDirectory(out)) {
        return studio.segmentBatch({ inputs, model, outDir: resolve(out), device, allowOtherModality });
      }
      return studio.segment({ input: inputs[0], model, out: resolve(out), device, allowOtherModality });
    }
    case 'eval': {
      if (values.model) return studio.evaluateVersions(values.model);
      const request = {
        pred: resolve(required(values.pred, '--pred')), truth: resolve(required(values.truth, '--truth')),
        label: labelOf(values.label, '--label'), truthLabel: labelOf(values['truth-label'], '--truth-label'), voxelOrder: values['voxel-order'],
      };
      return isDirectory(request.pred) ? studio.evaluateFolders(request) : studio.evaluate(request);
    }
    case 'refine':
      return studio.refineFile({
        input: resolve(required(positionals[0], 'the image file or folder')), model: required(values.model, '--model'),
        clicks: readClicks(required(values.clicks, '--clicks')), k: sliceOf(values.k), mask: values.mask ? resolve(values.mask) : undefined,
        label: labelOf(values.label, '--label'), out: resolve(required(values.out, '--out')), device: deviceOf(values.device),
      });
    case 'cases':
      return casesCommand(studio, positionals, {
        mask: values.mask, model: values.model, device: deviceOf(values.device), split: splitOf(values.split), out: values.out,
        notReviewed: values['not-reviewed'], undo: values.undo, voxelOrder: values['voxel-order'], besideSource: values['beside-source'],
        anyModality: values['any-modality'],
      }, { required, usage: (message) => new UsageError(message) });
    case 'finetune':
      return finetune(studio, jobEvents, values);
    case 'stats':
      return studio.maskStatistics({ mask: resolve(required(positionals[0], 'the mask file')), input: values.image ? resolve(values.image) : undefined });
    case 'doctor':
      return studio.probeDevices();
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const jobEvents = new Map<string, (job: FinetuneJob) => void>();
    const emit = (event: StudioEvent) => event.kind === 'finetune' && jobEvents.get(event.job.jobId)?.(event.job);
    const workspace = parse(argv.slice(1)).values.workspace;
    const result = await run(createStudio({ emit, workspace: workspace ? resolve(workspace) : undefined }), jobEvents, argv);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`medseg: ${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    const message = isUserError(e) ? e.message : `unexpected error: ${(e as Error)?.message ?? e}`;
    process.stderr.write(`medseg: ${message.split('\n')[0]}\n`);
    if (process.env.MEDSEG_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
