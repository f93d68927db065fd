// The trainer's JSON-lines protocol (python -m medseg_training.train), TypeScript side. The Python
// side declares the same events in training/medseg_training/events.py and refuses to print one that
// does not match; test/integration/trainer-events.test.ts parses what the real trainer prints with
// parseTrainerEvent, so the two stay one protocol.
import type { MaskMetrics } from '../../shared/api';

export type StopReason = 'epochs' | 'plateau' | 'time-limit' | 'cancelled';

export interface TrainerStart {
  event: 'start';
  architecture: string;
  modelKwargs: Record<string, unknown>;
  device: string;
  threads: number;
  trainSlices: number;
  valSlices: number;
  inputSize: number[];
  epochs: number;
  stepsPerEpoch: number;
  parameters: number;
  resumedFromEpoch: number | null;
  precision: { autocast: string | null; channelsLast: boolean };
}

/** Fine-tuning: the parent's metrics on the held-out data, before the first step. */
export interface TrainerBaseline { event: 'baseline'; valDice: number; valMetrics: MaskMetrics; parent: string | null }

export interface TrainerProgress {
  event: 'progress';
  epoch: number;
  step: number;
  loss: number;
  valDice: number | null;
  etaSeconds: number | null;
  epochs: number;
  totalSteps: number;
  lr: number;
  /** Set on the event that closes an epoch (after its validation). */
  epochEnd?: boolean;
  bestValDice?: number | null;
}

export interface TrainerCheckpoint { event: 'checkpoint'; path: string; valDice: number | null; epoch: number }

export interface TrainerDone {
  event: 'done';
  bestValDice: number | null;
  bestValMetrics: MaskMetrics | null;
  parentValMetrics: MaskMetrics | null;
  bestEpoch: number;
  epochs: number;
  steps: number;
  seconds: number;
  checkpoint: string;
  lastCheckpoint: string;
  stopReason: StopReason;
  /** With --export-onnx: the exported checkpoint's metrics, the file and the ORT parity. */
  exportedValMetrics?: MaskMetrics | null;
  onnx?: string;
  parityMaxAbsDiff?: number;
}

export interface TrainerError { event: 'error'; message: string }

export type TrainerEvent = TrainerStart | TrainerBaseline | TrainerProgress | TrainerCheckpoint | TrainerDone | TrainerError;

type Kind = 'number' | 'string' | 'boolean' | 'object' | 'array' | 'number?' | 'string?' | 'object?' | 'stop';
type Fields = { required: Record<string, Kind>; optional?: Record<string, Kind> };

/** Each event's fields and their JSON kinds ('?': may be null). Kept beside the interfaces above. */
const PROTOCOL: Record<TrainerEvent['event'], Fields> = {
  start: { required: { architecture: 'string', modelKwargs: 'object', device: 'string', threads: 'number', trainSlices: 'number',
    valSlices: 'number', inputSize: 'array', epochs: 'number', stepsPerEpoch: 'number', parameters: 'number',
    resumedFromEpoch: 'number?', precision: 'object' } },
  baseline: { required: { valDice: 'number', valMetrics: 'object', parent: 'string?' } },
  progress: { required: { epoch: 'number', step: 'number', loss: 'number', valDice: 'number?', etaSeconds: 'number?', epochs: 'number',
    totalSteps: 'number', lr: 'number' }, optional: { epochEnd: 'boolean', bestValDice: 'number?' } },
  checkpoint: { required: { path: 'string', valDice: 'number?', epoch: 'number' } },
  done: { required: { bestValDice: 'number?', bestValMetrics: 'object?', parentValMetrics: 'object?', bestEpoch: 'number', epochs: 'number',
    steps: 'number', seconds: 'number', checkpoint: 'string', lastCheckpoint: 'string', stopReason: 'stop' },
    optional: { exportedValMetrics: 'object?', onnx: 'string', parityMaxAbsDiff: 'number' } },
  error: { required: { message: 'string' } },
};

export const TRAINER_EVENT_NAMES = Object.keys(PROTOCOL) as TrainerEvent['event'][];
const STOP_REASONS: StopReason[] = ['epochs', 'plateau', 'time-limit', 'cancelled'];

export class TrainerProtocolError extends Error {}

function matches(value: unknown, kind: Kind): boolean {
  if (kind.endsWith('?') && value === null) return true;
  switch (kind.replace('?', '')) {
    case 'stop': return STOP_REASONS.includes(value as StopReason);
    case 'array': return Array.isArray(value);
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    default: return typeof value === kind.replace('?', '');
  }
}

/**
 * One stdout line → its event; null for a line that is not a JSON object (the trainer's libraries
 * may print). Throws TrainerProtocolError for a JSON object that is not one of the protocol's events.
 */
export function parseTrainerEvent(line: string): TrainerEvent | null {
  if (!line.trimStart().startsWith('{')) return null;
  let value: Record<string, unknown>;
  try { value = JSON.parse(line); } catch { return null; }
  const fields = PROTOCOL[value.event as TrainerEvent['event']];
  if (!fields) throw new TrainerProtocolError(`unknown trainer event ${JSON.stringify(value.event)}`);
  const allowed = { ...fields.required, ...fields.optional };
  for (const [name, kind] of Object.entries(fields.required)) {
    if (!(name in value)) throw new TrainerProtocolError(`trainer event "${value.event}" lacks "${name}"`);
    if (!matches(value[name], kind)) throw new TrainerProtocolError(`trainer event "${value.event}": "${name}" is not ${kind}`);
  }
  for (const [name, field] of Object.entries(value)) {
    if (name === 'event') continue;
    if (!(name in allowed)) throw new TrainerProtocolError(`trainer event "${value.event}" has an undeclared field "${name}"`);
    if (!matches(field, allowed[name])) throw new TrainerProtocolError(`trainer event "${value.event}": "${name}" is not ${allowed[name]}`);
  }
  return value as unknown as TrainerEvent;
}
