// The trainer protocol, checked against what python -m medseg_training.train really prints: a
// training run (start, progress, checkpoint, done with the export), a fine-tune (baseline) and a
// failing run (error). Every JSON line must be one of the TypeScript union's events.
import { afterAll, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPythonRuntime } from '../../src/core/training/python-runtime';
import { parseTrainerEvent, TRAINER_EVENT_NAMES, TrainerProtocolError, type TrainerEvent } from '../../src/core/training/trainer-events';
import { writeDiscCase } from '../fixtures/finetune-data';

const work = mkdtempSync(join(tmpdir(), 'medseg-trainer-events-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function trainer(args: string[]): { status: number | null; events: TrainerEvent[] } {
  const python = findPythonRuntime();
  if (!python) throw new Error('the Python training runtime is missing');
  const r = spawnSync(python.python, ['-m', 'medseg_training.train', '--threads', '1', ...args], { env: python.env, encoding: 'utf8' });
  const events = r.stdout.split('\n').filter((line) => line.trim()).map((line) => {
    const event = parseTrainerEvent(line);
    expect(event, `a trainer event: ${line}`).not.toBeNull();
    return event!;
  });
  return { status: r.status, events };
}

test('what the trainer prints is the protocol the app reads', async () => {
  const [a, b] = await Promise.all([1, 2].map((seed) => writeDiscCase(join(work, 'data'), `case${seed}`, 'A', seed)));
  const common = ['--model-kwargs', '{"base_filters": 4, "depth": 2}', '--train', a.image, a.mask, '--val', b.image, b.mask,
    '--window', '100,300', '--size', 'native', '--batch-size', '2', '--log-every', '2'];
  const manifest = JSON.stringify({ id: 'disc', name: 'Disc', output: { labels: [{ value: 1, name: 'disc', color: '#00c8ff' }] } });
  const trained = trainer([...common, '--epochs', '2', '--patience', '5', '--out-dir', join(work, 'run'),
    '--export-onnx', join(work, 'disc.onnx'), '--manifest-json', manifest]);
  expect(trained.status).toBe(0);
  const done = trained.events.at(-1)!;
  expect(done.event === 'done' && done.onnx && done.stopReason).toBe('epochs');

  const tuned = trainer([...common, '--epochs', '1', '--init-checkpoint', join(work, 'run', 'best.pt'), '--out-dir', join(work, 'tune')]);
  expect(tuned.status).toBe(0);
  const failed = trainer(['--train', join(work, 'missing.nii.gz'), a.mask, '--out-dir', join(work, 'failed')]);
  expect(failed.status).toBe(1);
  expect(failed.events.at(-1)).toMatchObject({ event: 'error', message: expect.stringContaining('does not exist') });

  const seen = new Set([...trained.events, ...tuned.events, ...failed.events].map((e) => e.event));
  expect([...seen].sort()).toEqual([...TRAINER_EVENT_NAMES].sort());
}, 300_000);

test('an event outside the protocol is refused, other output is ignored', () => {
  expect(parseTrainerEvent('Warning: something from a library')).toBeNull();
  expect(() => parseTrainerEvent('{"event": "finished"}')).toThrow(TrainerProtocolError);
  expect(() => parseTrainerEvent('{"event": "error"}')).toThrow(/lacks "message"/);
  expect(() => parseTrainerEvent('{"event": "error", "message": "x", "extra": 1}')).toThrow(/undeclared/);
  expect(() => parseTrainerEvent('{"event": "checkpoint", "path": 3, "valDice": null, "epoch": 1}')).toThrow(/"path" is not string/);
});
