// The path guard derived from the contract's declarations: every declared path of every method is
// confined, by where it really leads, and the engine gets that real path.
import { beforeAll, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STUDIO_METHOD_ARGUMENTS, STUDIO_METHODS, type StudioApi } from '../../src/shared/api';
import { CONFINED_AS } from '../../src/shared/call-checks';
import { confineStudio, type FileAccess } from '../../src/core/confinement/path-guard';
import { resolveReal } from '../../src/core/confinement/real-path';
import { sampleArguments } from '../fixtures/call-samples';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'medseg-guard-')));
const [data, app, outside] = ['data', 'app', 'outside'].map((d) => join(base, d));
const seen: [string, unknown[]][] = [];
const studio = Object.fromEntries(STUDIO_METHODS.map((m) => [m, async (...args: unknown[]) => {
  seen.push([m, args]);
  return m === 'recentCases' ? [{ id: 'inside' }, { id: 'outside' }, { id: 'gone' }] : m;
}])) as unknown as StudioApi;
const access: FileAccess = {
  roots: () => ({ readable: [app], writable: [data], neverWritten: [app] }),
  caseSource: async (id) => ({ inside: join(data, 'ct.nii.gz'), outside: join(outside, 'ct.nii.gz') } as Record<string, string>)[id] ?? null,
  hint: { read: 'Allow it.', write: 'Write elsewhere.' },
};
const guarded = confineStudio(studio, access);

beforeAll(() => {
  for (const dir of [data, app, outside]) mkdirSync(dir);
  writeFileSync(join(data, 'ct.nii.gz'), 'ct');
  symlinkSync(outside, join(data, 'out-link'));
  symlinkSync(join(data, 'ct.nii.gz'), join(data, 'alias.nii.gz'));
});

test('paths under a root pass, as their real paths; others are refused before reaching the engine', async () => {
  await expect(guarded.openCase({ path: join(data, 'alias.nii.gz') })).resolves.toBe('openCase');
  expect(seen.at(-1)).toEqual(['openCase', [{ path: join(data, 'ct.nii.gz') }]]);
  const before = seen.length;
  for (const path of ['/etc/passwd', join(data, '..', 'outside', 'x'), join(data, 'out-link', 'x.nii.gz'), `${data}X/a.png`]) {
    await expect(guarded.openCase({ path }), path).rejects.toThrow(/outside the files this page may open. Allow it./);
  }
  await expect(guarded.segmentBatch({ inputs: [join(data, 'ct.nii.gz'), join(outside, 'b.png')], model: 'm', outDir: join(data, 'o') })).rejects.toThrow(/b\.png/);
  await expect(guarded.exportMask({ caseId: 'inside', labelmap: new Uint8Array(1), out: join(data, 'out-link', 'm.nii.gz') })).rejects.toThrow(/leads to .*outside the folders this page may write to/);
  await expect(guarded.exportMask({ caseId: 'inside', labelmap: new Uint8Array(1), out: join(app, 'm.nii.gz') })).rejects.toThrow(/never written/);
  await expect(guarded.importModel({ file: new TextEncoder().encode('/etc/passwd') as unknown as string })).rejects.toThrow(/must be text, not bytes/);
  expect(seen.length).toBe(before);
  // The app's files are readable; ids and model names are not paths.
  await expect(guarded.imageInfo(join(app, 'sample.nii.gz'))).resolves.toBe('imageInfo');
  await expect(guarded.cancelJob('job-1')).resolves.toBe('cancelJob');
});

test('every declared path of every method is confined (a new method needs no guard code)', async () => {
  const pathMethods = STUDIO_METHODS.filter((m) => JSON.stringify(STUDIO_METHOD_ARGUMENTS[m]).match(/"(readPath|readPaths|writePath)/));
  expect(pathMethods.length).toBeGreaterThanOrEqual(9);
  for (const method of pathMethods) {
    const before = seen.length;
    // The samples name /data/…, outside this test's roots.
    await expect((guarded[method] as (...a: unknown[]) => Promise<unknown>)(...sampleArguments(method)), method).rejects.toThrow(/outside/);
    expect(seen.length, method).toBe(before);
  }
  expect(Object.entries(CONFINED_AS).filter(([, use]) => use !== null).map(([kind]) => kind).sort()).toEqual(['caseId', 'readPath', 'readPaths', 'writePath']);
});

test('cases whose source lies outside the roots are neither listed nor usable', async () => {
  expect(await guarded.recentCases()).toEqual([{ id: 'inside' }, { id: 'gone' }]);
  await expect(guarded.reviewCase({ caseId: 'outside', reviewed: true })).rejects.toThrow('No such case: outside. Open the image again.');
  await expect(guarded.reviewCase({ caseId: 'inside', reviewed: true })).resolves.toBe('reviewCase');
});

test('real paths: links followed, dangling ones too, missing tails appended to the real folder above', async () => {
  expect(await resolveReal(join(data, 'alias.nii.gz'))).toBe(join(data, 'ct.nii.gz'));
  expect(await resolveReal(join(data, 'out-link', 'new', 'x.nii.gz'))).toBe(join(outside, 'new', 'x.nii.gz'));
  symlinkSync(join(outside, 'later'), join(data, 'dangling'));
  expect(await resolveReal(join(data, 'dangling', 'x.nii.gz'))).toBe(join(outside, 'later', 'x.nii.gz'));
});
