// The `medseg` command: the StudioApi from a terminal. JSON on stdout; one line on stderr and a
// non-zero exit for anything that went wrong.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { Device, StudioApi } from '../shared/api';
import { isUserError } from '../shared/errors';
import { createStudio } from '../core/studio';

const USAGE = `usage:
  medseg info <file|folder>
  medseg models
  medseg segment <file|folder> --model <id> --out <mask.nii.gz|mask.png> [--device auto|cpu|cuda]
  medseg eval --pred <mask> --truth <mask> [--label N]`;

class UsageError extends Error {}

const DEVICES: Device[] = ['auto', 'cpu', 'cuda'];

function required(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
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
    },
  });
  switch (command) {
    case 'info':
      return studio.imageInfo(resolve(required(positionals[0], 'the image file or folder')));
    case 'models':
      return studio.listModels();
    case 'segment': {
      const device = values.device as Device;
      if (!DEVICES.includes(device)) throw new UsageError(`--device must be one of ${DEVICES.join(', ')}`);
      return studio.segment({
        input: resolve(required(positionals[0], 'the image file or folder')),
        model: required(values.model, '--model'),
        out: resolve(required(values.out, '--out')),
        device,
      });
    }
    case 'eval': {
      const label = values.label === undefined ? undefined : Number(values.label);
      if (label !== undefined && !(Number.isInteger(label) && label >= 0 && label < 256)) throw new UsageError('--label must be an integer 0–255');
      return studio.evaluate({
        pred: resolve(required(values.pred, '--pred')),
        truth: resolve(required(values.truth, '--truth')),
        label,
      });
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
