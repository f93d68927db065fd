// Every way a user can hand the CLI a bad input ends in a non-zero exit and one line on stderr:
// never a stack trace, a hang or a crash.
import { beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeImage } from '../../src/core/io';
import { dicomWithoutPixels, hasDcmtk } from '../fixtures/dicom-without-pixels';

const dir = mkdtempSync(join(tmpdir(), 'medseg-cli-'));

function medseg(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/medseg.mjs', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MEDSEG_HOME: join(dir, 'home') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined };
}

function expectOneLineError(r: ReturnType<typeof medseg>, pattern: RegExp) {
  expect(r.timedOut).toBe(false);
  expect(r.status).not.toBe(0);
  expect(r.status).not.toBeNull();
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  const size: [number, number, number] = [16, 16, 4];
  const data = new Int16Array(16 * 16 * 4).map((_, i) => i % 100);
  await writeImage(join(dir, 'good.nii.gz'), { size, spacing: [1, 1, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components: 1, pixelType: 'int16', data, modality: 'CT' });
  const good = readFileSync(join(dir, 'good.nii.gz'));
  writeFileSync(join(dir, 'truncated.nii.gz'), good.subarray(0, Math.floor(good.length / 2)));
  const corrupt = Buffer.from(good);
  corrupt.fill(0x5a, 20, 200);
  writeFileSync(join(dir, 'corrupt.nii.gz'), corrupt);
  writeFileSync(join(dir, 'notes.txt'), 'this is not an image\n');
  writeFileSync(join(dir, 'fake.nii'), 'neither is this, despite its name\n');
  // A compressed MetaImage of garbage: ITK alone reads it as an all-zero volume and exits 0.
  const mha = 'ObjectType = Image\nNDims = 3\nDimSize = 16 16 4\nElementSpacing = 1 1 2\nElementType = MET_SHORT\nCompressedData = True\nCompressedDataSize = 600\nElementDataFile = LOCAL\n';
  writeFileSync(join(dir, 'garbage.mha'), Buffer.concat([Buffer.from(mha), Buffer.from(new Uint8Array(600).map((_, i) => (i * 37) % 256))]));
  // A NIfTI whose pixdim is NaN along k: ITK alone gives 1 mm silently.
  const raw = gunzipSync(good);
  new DataView(raw.buffer, raw.byteOffset, raw.byteLength).setFloat32(88, Number.NaN, true);
  writeFileSync(join(dir, 'nan-spacing.nii.gz'), gzipSync(raw));
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'no-dicom'));
  writeFileSync(join(dir, 'no-dicom', 'readme'), 'hello');
});

describe('medseg CLI refuses bad input with one clear line', () => {
  test.each([
    ['missing file', () => ['info', join(dir, 'does-not-exist.nii.gz')]],
    ['truncated NIfTI', () => ['info', join(dir, 'truncated.nii.gz')]],
    ['corrupt NIfTI', () => ['info', join(dir, 'corrupt.nii.gz')]],
    ['text file', () => ['info', join(dir, 'notes.txt')]],
    ['text file with an image extension', () => ['info', join(dir, 'fake.nii')]],
    ['empty folder', () => ['info', join(dir, 'empty')]],
    ['folder without DICOM', () => ['info', join(dir, 'no-dicom')]],
  ])('%s', (_name, args) => {
    expectOneLineError(medseg(...args()), /^medseg: \S/);
  });

  test('a compressed MetaImage of garbage fails info and segment, never reads as zeros', () => {
    expectOneLineError(medseg('info', join(dir, 'garbage.mha')), /^medseg: Could not read garbage\.mha: its compressed voxel data is damaged/);
    const r = medseg('segment', join(dir, 'garbage.mha'), '--model', 'dra-unet-liver-ct', '--out', join(dir, 'garbage-mask.nii.gz'));
    expectOneLineError(r, /^medseg: Could not read garbage\.mha: its compressed voxel data is damaged/);
  });

  test('info warns about spacing the file does not give', () => {
    const r = medseg('info', join(dir, 'nan-spacing.nii.gz'));
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.spacing).toEqual([1, 1, 1]);
    expect(info.warnings).toEqual(['the file has no valid spacing along axis k; 1 mm is assumed']);
  });

  test.skipIf(!hasDcmtk())('DICOM without pixel data', () => {
    const file = dicomWithoutPixels(dir);
    expectOneLineError(medseg('info', file), /^medseg: .*pixel/i);
  });

  test('unknown model names the installed ones', () => {
    const r = medseg('segment', join(dir, 'good.nii.gz'), '--model', 'no-such-model', '--out', join(dir, 'x.nii.gz'));
    expectOneLineError(r, /^medseg: Unknown model "no-such-model"\. Installed models: /);
  });

  test('usage errors exit 2 with the usage text', () => {
    const r = medseg('segment', join(dir, 'good.nii.gz'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^medseg: missing --model\nusage:/);
    expect(medseg('frobnicate').status).toBe(2);
  });

  test('a good file gives its geometry as JSON', () => {
    const r = medseg('info', join(dir, 'good.nii.gz'));
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.size).toEqual([16, 16, 4]);
    expect(info.spacing).toEqual([1, 1, 2]);
    expect(info).toHaveProperty('direction');
    expect(info).toHaveProperty('pixelType', 'int16');
    expect(info.warnings).toEqual([]);
  });
});
