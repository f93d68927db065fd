import { expect, test } from 'vitest';
import { STUDIO_METHODS, type StudioApi } from '../../src/shared/api';
import { guardPaths, isUnder } from '../../src/server/path-guard';

const seen: unknown[][] = [];
const studio = Object.fromEntries(STUDIO_METHODS.map((m) => [m, async (...args: unknown[]) => { seen.push(args); return m; }])) as unknown as StudioApi;
const guarded = guardPaths(studio, ['/data/cases', '/home/u/.local/share/medseg-studio']);

test('paths under a root pass, others are refused before reaching the engine', async () => {
  await expect(guarded.openCase('/data/cases/ct1')).resolves.toBe('openCase');
  await expect(guarded.segment({ input: '/data/cases/ct1', model: 'm', out: '/data/cases/out.nii.gz' })).resolves.toBe('segment');
  const before = seen.length;
  await expect(guarded.openCase('/etc/passwd')).rejects.toThrow(/outside/);
  await expect(guarded.openCase('/data/cases/../../etc/passwd')).rejects.toThrow(/outside/);
  await expect(guarded.segmentBatch({ inputs: ['/data/cases/a.png', '/data/casesX/b.png'], model: 'm', outDir: '/data/cases/o' })).rejects.toThrow(/casesX/);
  await expect(guarded.exportMask({ caseId: 'c', labelmap: new Uint8Array(1), out: '/tmp/x.nii.gz' })).rejects.toThrow(/outside/);
  expect(seen.length).toBe(before);
  // Ids and model names are not paths.
  await expect(guarded.cancelJob('job-1')).resolves.toBe('cancelJob');
  await expect(guarded.imageInfo('/srv/secret.nii')).rejects.toThrow(/outside/);
});

test('isUnder does not match sibling folders sharing a prefix', () => {
  expect(isUnder('/data/cases', ['/data/cases'])).toBe(true);
  expect(isUnder('/data/cases2/x', ['/data/cases'])).toBe(false);
});
