// Corrections feed fine-tuning: corrected cases → a fine-tune job (the real Python trainer) → a new
// immutable version that the regression gate promotes only when it does not regress on the
// held-out cases. Also: a worse version is refused, and a killed trainer changes nothing.
import { beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FinetuneJob, StudioApi, StudioEvent } from '../../src/shared/api';
import { createStudio } from '../../src/core/studio';
import { findPythonRuntime } from '../../src/core/training/python-runtime';
import { trainDiscModel, writeDiscCase } from '../fixtures/finetune-data';

const MODEL = 'synthetic-disc';
/** Trained on scanner B already: good on the cases, so training it on wrong masks can only hurt. */
const MODEL_B = 'synthetic-disc-b';
const root = mkdtempSync(join(tmpdir(), 'medseg-finetune-'));

/** A studio with its own workspace and user store over a shared "shipped" folder; it records job events. */
function studioIn(name: string, python = findPythonRuntime) {
  const home = join(root, name);
  const events: FinetuneJob[] = [];
  const waiters = new Map<string, (job: FinetuneJob) => void>();
  const emit = (event: StudioEvent) => {
    if (event.kind !== 'finetune') return;
    events.push(event.job);
    if (event.job.state !== 'running') waiters.get(event.job.jobId)?.(event.job);
  };
  const studio = createStudio({ workspace: join(home, 'workspace'), models: { shipped: join(root, 'shipped'), user: join(home, 'models') }, emit, python });
  const finished = (jobId: string) => new Promise<FinetuneJob>((resolve) => waiters.set(jobId, resolve));
  return { studio, home, events, finished };
}

/** Corrected cases of scanner B, reviewed in order: the 2nd is held out for validation. */
async function correctCases(studio: StudioApi, dir: string, model = MODEL, wrongTrainingMasks = false) {
  const summaries = [];
  for (const seed of [1, 2, 3]) {
    const files = await writeDiscCase(dir, `case${seed}`, 'B', seed, wrongTrainingMasks && seed !== 2);
    summaries.push(await studio.addCase({ input: files.image, mask: files.mask, model, device: 'cpu' }));
  }
  return summaries;
}

function filesDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(p).update(readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

beforeAll(async () => {
  await trainDiscModel(join(root, 'shipped'), MODEL, 'A', 30);
  await trainDiscModel(join(root, 'shipped'), MODEL_B, 'B', 30);
}, 240_000);

describe.sequential('fine-tuning', () => {
  test('corrected cases fine-tune the model; the better version is promoted and used', async () => {
    const { studio, events, finished } = studioIn('improve');
    const cases = await correctCases(studio, join(root, 'improve-data'));
    expect(cases.map((c) => c.split)).toEqual(['train', 'validation', 'train']);
    expect(cases.every((c) => c.reviewed && c.proposedBy === `${MODEL}@1.0.0`)).toBe(true);

    const started = await studio.startFinetune({ model: MODEL, epochs: 15, device: 'cpu', jobId: 'improve' });
    expect(started).toMatchObject({ state: 'running', parent: `${MODEL}@1.0.0`, trainCases: 2, heldOutCases: 1 });
    const job = await finished('improve');
    expect(job.state, job.message).toBe('done');
    expect(job.baseline).not.toBeNull();
    expect(events.some((e) => e.state === 'running' && e.history.length > 0)).toBe(true);
    expect(job.result!.metrics.dice).toBeGreaterThan(job.result!.parentMetrics.dice + 0.05);
    expect(job.result).toMatchObject({ version: '1.1.0', promoted: true });

    const versions = await studio.modelVersions(MODEL);
    expect(versions.map((v) => [v.version, v.current])).toEqual([['1.0.0', false], ['1.1.0', true]]);
    expect(versions[1].record).toMatchObject({ parent: `${MODEL}@1.0.0`, heldOutCases: ['case2.nii.gz'], gate: { promoted: true } });
    expect(versions[1].manifest).toMatchObject({ version: '1.1.0', parent: `${MODEL}@1.0.0` });
    expect(versions[1].weights).not.toBeNull(); // a fine-tuned version can be fine-tuned again
    const listed = (await studio.listModels()).find((m) => m.id === MODEL)!;
    expect(listed.manifest.version).toBe('1.1.0');

    // The engine's own evaluation on the held-out case agrees: the new version beats its parent.
    const evaluation = await studio.evaluateVersions(MODEL);
    expect(evaluation.heldOutCases).toEqual(['case2.nii.gz']);
    const [parent, child] = evaluation.versions;
    expect(child.metrics.dice).toBeGreaterThan(parent.metrics.dice);
    expect(Math.abs(child.metrics.dice - job.result!.metrics.dice)).toBeLessThan(0.02);

    // Any version can be made current again.
    expect((await studio.setCurrentVersion(`${MODEL}@1.0.0`)).find((v) => v.current)!.version).toBe('1.0.0');
    expect((await studio.listModels()).find((m) => m.id === MODEL)!.manifest.version).toBe('1.0.0');
  }, 240_000);

  test('a version that is worse on the held-out cases is kept but not promoted', async () => {
    const { studio, finished } = studioIn('refuse');
    await correctCases(studio, join(root, 'refuse-data'), MODEL_B, true);
    await studio.startFinetune({ model: MODEL_B, epochs: 15, device: 'cpu', jobId: 'refuse' });
    const job = await finished('refuse');
    expect(job.state, job.message).toBe('done');
    expect(job.result!.promoted).toBe(false);
    expect(job.result!.metrics.dice).toBeLessThan(job.result!.parentMetrics.dice);
    expect(job.message).toMatch(/is lower than synthetic-disc-b@1\.0\.0's .* kept but not made current/);
    const versions = await studio.modelVersions(MODEL_B);
    expect(versions.map((v) => [v.version, v.current])).toEqual([['1.0.0', true], ['1.1.0', false]]);
    expect(versions[1].record!.gate.promoted).toBe(false);
  }, 240_000);

  test('a killed trainer leaves the workspace and the current model as they were; a parallel job is unharmed', async () => {
    // The runtime is the real one behind a wrapper that records each trainer's process id.
    const real = findPythonRuntime()!;
    const pids = join(root, 'pids');
    const wrapper = join(root, 'python-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho $$ >> ${pids}\nexec ${real.python} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const { studio, home, events, finished } = studioIn('kill', () => ({ ...real, python: wrapper }));
    await correctCases(studio, join(root, 'kill-data'));
    const workspaceBefore = filesDigest(join(home, 'workspace'));

    await studio.startFinetune({ model: MODEL, epochs: 400, device: 'cpu', jobId: 'doomed' });
    await studio.startFinetune({ model: MODEL, epochs: 3, device: 'cpu', jobId: 'survivor' });
    await expect.poll(() => events.some((e) => e.jobId === 'doomed' && e.history.length > 0), { timeout: 120_000 }).toBe(true);
    const [doomedPid] = readFileSync(pids, 'utf8').trim().split('\n');
    process.kill(Number(doomedPid), 'SIGKILL');

    const [doomed, survivor] = await Promise.all([finished('doomed'), finished('survivor')]);
    expect(doomed.state).toBe('failed');
    expect(doomed.message).toMatch(/stopped by SIGKILL\. Nothing was changed/);
    expect(survivor.state, survivor.message).toBe('done');
    expect(filesDigest(join(home, 'workspace'))).toBe(workspaceBefore);
    // Only the survivor's version exists, complete; the killed job's reservation is gone.
    const lineage = join(home, 'models', 'versions', MODEL);
    const folders = readdirSync(lineage).filter((f) => statSync(join(lineage, f)).isDirectory());
    expect(folders).toEqual([survivor.result!.version]);
    expect(existsSync(join(lineage, survivor.result!.version, 'version.json'))).toBe(true);
    const current = (await studio.modelVersions(MODEL)).find((v) => v.current)!;
    expect(current.version).toBe(survivor.result!.promoted ? survivor.result!.version : '1.0.0');
  }, 300_000);

  test('cancelling stops the trainer cleanly and changes nothing', async () => {
    const { studio, home, events, finished } = studioIn('kill');
    const before = (await studio.modelVersions(MODEL)).map((v) => [v.version, v.current]);
    await studio.startFinetune({ model: MODEL, epochs: 400, device: 'cpu', jobId: 'cancelled' });
    await expect.poll(() => events.some((e) => e.jobId === 'cancelled' && e.history.length > 0), { timeout: 120_000 }).toBe(true);
    expect(await studio.cancelJob('cancelled')).toBe(true);
    const job = await finished('cancelled');
    expect(job.state).toBe('cancelled');
    expect((await studio.modelVersions(MODEL)).map((v) => [v.version, v.current])).toEqual(before);
    expect(readdirSync(join(home, 'models', 'versions', MODEL)).filter((f) => !f.endsWith('.json'))).toHaveLength(before.length - 1);
  }, 180_000);

  test('without the training runtime a job says how to install it', async () => {
    const { studio } = studioIn('no-runtime', () => null);
    await expect(studio.startFinetune({ model: MODEL })).rejects.toThrow(/Fine-tuning needs the Python training runtime .* scripts\/setup-system\.sh/);
  });

  test('a job needs reviewed cases to train on and to hold out', async () => {
    const { studio } = studioIn('too-few');
    const files = await writeDiscCase(join(root, 'too-few-data'), 'only', 'B', 9);
    await studio.addCase({ input: files.image, mask: files.mask });
    await expect(studio.startFinetune({ model: MODEL })).rejects.toThrow(/needs reviewed cases both to train on and to hold out; it has 1 training and 0 held-out/);
  });
});

/** The CLI as a user runs it; resolves with its exit code and output. */
function medseg(home: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/medseg.mjs', ...args], { env: { ...process.env, MEDSEG_HOME: home } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('from a terminal: add corrected cases, fine-tune with JSON-line progress, list versions, evaluate them', async () => {
  const home = join(root, 'cli-home');
  mkdirSync(join(home, 'models'), { recursive: true });
  for (const ext of ['onnx', 'pt']) copyFileSync(join(root, 'shipped', `${MODEL}.${ext}`), join(home, 'models', `${MODEL}.${ext}`));
  for (const seed of [1, 2, 3]) {
    const files = await writeDiscCase(join(root, 'cli-data'), `case${seed}`, 'B', seed);
    const added = await medseg(home, 'cases', 'add', files.image, '--mask', files.mask, '--model', MODEL, '--device', 'cpu');
    expect(added.status, added.stderr).toBe(0);
  }
  const listed = JSON.parse((await medseg(home, 'cases')).stdout);
  expect(listed.map((c: { split: string }) => c.split).sort()).toEqual(['train', 'train', 'validation']);

  const run = await medseg(home, 'finetune', '--model', MODEL, '--epochs', '4', '--device', 'cpu');
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.trim().split('\n');
  const progress = lines.filter((l) => l.startsWith('{"event":"progress"')).map((l) => JSON.parse(l));
  expect(progress.length).toBeGreaterThan(2);
  expect(progress.at(-1)).toMatchObject({ epoch: 4 });
  expect(progress.every((p) => typeof p.loss === 'number' && 'valDice' in p && 'etaSeconds' in p)).toBe(true);
  const job = JSON.parse(lines.slice(lines.findIndex((l) => l === '{')).join('\n'));
  expect(job).toMatchObject({ state: 'done', parent: `${MODEL}@1.0.0`, result: { version: '1.1.0' } });

  const versions = JSON.parse((await medseg(home, 'models', 'versions', MODEL)).stdout);
  expect(versions.map((v: { ref: string }) => v.ref)).toEqual([`${MODEL}@1.0.0`, `${MODEL}@1.1.0`]);
  const evaluation = JSON.parse((await medseg(home, 'eval', '--model', MODEL)).stdout);
  expect(evaluation.versions.map((v: { ref: string }) => v.ref)).toEqual([`${MODEL}@1.0.0`, `${MODEL}@1.1.0`]);
  expect(Object.keys(evaluation.versions[0].metrics)).toEqual(['dice', 'iou', 'precision', 'recall']);

  const use = await medseg(home, 'models', 'use', `${MODEL}@1.0.0`);
  expect(JSON.parse(use.stdout).find((v: { current: boolean }) => v.current).version).toBe('1.0.0');
  const unknown = await medseg(home, 'models', 'use', `${MODEL}@9.9.9`);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr.trim()).toBe(`medseg: Model ${MODEL} has no version 9.9.9. See \`medseg models versions ${MODEL}\`.`);
}, 240_000);
