// The `medseg` command: the StudioApi from a terminal. JSON on stdout; one line on stderr and a
// non-zero exit for anything that went wrong.
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Device, StudioApi } from '../shared/api';
import { isUserError, UserError } from '../shared/errors';
import { createStudio } from '../core/studio';

const USAGE = `usage:
  medseg info <file|folder>
  medseg models
  medseg models import <file.onnx> [--manifest m.json]
  medseg segment <file|folder> --model <id> --out <mask.nii.gz|mask.png> [--device auto|cpu|cuda]
  medseg segment <file|folder>... --model <id> --out <DIR>/   (several images, model loaded once)
  medseg eval --pred <mask|DIR> --truth <mask|DIR> [--label N]`;

class UsageError extends Error {}

const DEVICES: Device[] = ['auto', 'cpu', 'cuda'];

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

async function run(studio: StudioApi, argv: string[]): Promise<unknown> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      device: { type: 'string', default: 'auto' },
      pred: { type: 'string' },
      truth: { type: 'string' },
      label: { type: 'string' },
      manifest: { type: 'string' },
    },
  });
  switch (command) {
    case 'info':
      return studio.imageInfo(resolve(required(positionals[0], 'the image file or folder')));
    case 'models':
      if (positionals[0] === 'import') {
        return studio.importModel({ file: resolve(required(positionals[1], 'the .onnx file')), manifest: values.manifest ? readJson(values.manifest) : undefined });
      }
      if (positionals.length) throw new UsageError(`unknown models command "${positionals[0]}"`);
      return studio.listModels();
    case 'segment': {
      const device = values.device as Device;
      if (!DEVICES.includes(device)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}`);
      const inputs = positionals.map((p) => resolve(p));
      if (inputs.length === 0) throw new UsageError('missing the image file or folder');
      const model = required(values.model, '--model');
      const out = required(values.out, '--out');
      if (inputs.length > 1 || out.endsWith('/') || isDirectory(out)) {
        return studio.segmentBatch({ inputs, model, outDir: resolve(out), device });
      }
      return studio.segment({ input: inputs[0], model, out: resolve(out), device });
    }
    case 'eval': {
      const label = values.label === undefined ? undefined : Number(values.label);
      if (label !== undefined && !(Number.isInteger(label) && label >= 0 && label < 256)) throw new UsageError('--label must be an integer 0–255');
      const request = { pred: resolve(required(values.pred, '--pred')), truth: resolve(required(values.truth, '--truth')), label };
      return isDirectory(request.pred) ? studio.evaluateFolders(request) : studio.evaluate(request);
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const result = await run(createStudio(), argv);
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
