// Bad input gives a one-line UserError (never a hang or a crash), and a dead or stuck I/O worker is
// replaced so the next call works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { closeImageIo, ioTestHooks, readImage, writeImage } from '../../src/core/io';
import { isUserError } from '../../src/shared/errors';
import { jpegWriteImageNode } from '@itk-wasm/image-io';
import { toItkImage } from '../../src/core/io/itk-image';
import { obliqueVolume, photo } from '../fixtures/volumes';

process.env.MEDSEG_IO_TEST_HOOKS = '1'; // before the worker starts: enables debugExit/debugHang

let dir: string;
let good: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'medseg-io-err-'));
  good = join(dir, 'good.nii.gz');
  await writeImage(good, obliqueVolume({ size: [40, 30, 20] }));
});
afterAll(async () => {
  await closeImageIo();
  rmSync(dir, { recursive: true, force: true });
});

async function userError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, 'expected a rejection').not.toBeNull();
  expect(isUserError(error), String(error)).toBe(true);
  const message = (error as Error).message;
  expect(message).not.toMatch(/\n|at .*\.ts:\d+/); // one line, no stack
  return message;
}

describe('bad input', () => {
  it('missing path', async () => {
    expect(await userError(readImage(join(dir, 'nope.nii.gz')))).toMatch(/nope\.nii\.gz does not exist\. Check the path/);
  });

  it('empty folder, and a folder without DICOM', async () => {
    mkdirSync(join(dir, 'empty'));
    expect(await userError(readImage(join(dir, 'empty')))).toMatch(/folder .*empty is empty/);
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'a.txt'), 'hello');
    writeFileSync(join(dir, 'docs', 'b.bin'), new Uint8Array(300).fill(7));
    expect(await userError(readImage(join(dir, 'docs')))).toMatch(/contains no DICOM files \(2 other files\)/);
  });

  it('truncated and corrupt files', async () => {
    const bytes = readFileSync(good);
    writeFileSync(join(dir, 'cut.nii.gz'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    // ITK itself would read these "successfully", zero-filling the missing voxels.
    expect(await userError(readImage(join(dir, 'cut.nii.gz')))).toMatch(/Could not read cut\.nii\.gz: its gzip data is damaged or truncated/);
    const raw = gunzipSync(bytes); // gzip intact, NIfTI header intact, voxels missing:
    writeFileSync(join(dir, 'short.nii.gz'), gzipSync(raw.subarray(0, 352 + 100)));
    expect(await userError(readImage(join(dir, 'short.nii.gz')))).toMatch(/short\.nii\.gz: the file is truncated \(452 of 48352 bytes once decompressed\)/);
    writeFileSync(join(dir, 'short.nii'), raw.subarray(0, raw.length - 1));
    expect(await userError(readImage(join(dir, 'short.nii')))).toMatch(/short\.nii: the file is truncated \(48351 of 48352 bytes\)/);
    const gray = toItkImage(photo(32, 32, 1), 2);
    await jpegWriteImageNode(gray, join(dir, 'whole.jpg'));
    const jpeg = readFileSync(join(dir, 'whole.jpg'));
    writeFileSync(join(dir, 'cut.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    expect(await userError(readImage(join(dir, 'cut.jpg')))).toMatch(/cut\.jpg: the JPEG data is truncated or corrupt/);
    writeFileSync(join(dir, 'noise.mha'), new Uint8Array(4000).map((_, i) => (i * 97) % 256));
    expect(await userError(readImage(join(dir, 'noise.mha')))).toMatch(/not a valid MetaImage/);
    writeFileSync(join(dir, 'zero.nrrd'), '');
    expect(await userError(readImage(join(dir, 'zero.nrrd')))).toMatch(/zero\.nrrd is empty/);
    writeFileSync(join(dir, 'broken.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    expect(await userError(readImage(join(dir, 'broken.png')))).toMatch(/not a valid PNG/);
    const dicom = new Uint8Array(200);
    dicom.set([0x44, 0x49, 0x43, 0x4d], 128);
    writeFileSync(join(dir, 'bad.dcm'), dicom);
    expect(await userError(readImage(join(dir, 'bad.dcm')))).toMatch(/bad\.dcm/);
  });

  it('not an image: text files with and without an image extension', async () => {
    writeFileSync(join(dir, 'notes.nii'), 'patient notes\n'.repeat(50));
    expect(await userError(readImage(join(dir, 'notes.nii')))).toMatch(/notes\.nii is a text file, not a NIfTI image/);
    writeFileSync(join(dir, 'README'), 'read me\n');
    expect(await userError(readImage(join(dir, 'README')))).toMatch(/README is a text file, not an image/);
  });

  it('unsupported extension, and a known format under a wrong name', async () => {
    writeFileSync(join(dir, 'scan.xyz'), new Uint8Array(600).fill(200));
    expect(await userError(readImage(join(dir, 'scan.xyz')))).toMatch(/scan\.xyz is not a supported image \('\.xyz'\)\. Open a DICOM folder .*NIfTI \(\.nii\.gz, \.nii\)/);
    writeFileSync(join(dir, 'photo.dat'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    expect(await userError(readImage(join(dir, 'photo.dat')))).toMatch(/looks like a PNG image .* rename it to end in \.png/);
    expect(await userError(writeImage(join(dir, 'out.vtk'), obliqueVolume()))).toMatch(/unsupported file type '\.vtk'/);
  });
});

describe('payloads ITK would read as zeros, and spacing it would invent', () => {
  const mhaHeader = (extra: string) => `ObjectType = Image\nNDims = 3\nDimSize = 8 8 4\nElementSpacing = 1 1 1\nElementType = MET_UCHAR\n${extra}`;
  const voxels = new Uint8Array(256).map((_, i) => (i % 7) + 1);
  const garbage = new Uint8Array(300).map((_, i) => (i * 37) % 256);

  it('compressed MetaImage: garbage, cut short, or a detached payload that is short', async () => {
    const compressed = deflateSync(voxels);
    writeFileSync(join(dir, 'good.mha'), Buffer.concat([Buffer.from(mhaHeader(`CompressedData = True\nCompressedDataSize = ${compressed.length}\nElementDataFile = LOCAL\n`)), compressed]));
    expect([...(await readImage(join(dir, 'good.mha'))).data]).toEqual([...voxels]);
    writeFileSync(join(dir, 'garbage.mha'), Buffer.concat([Buffer.from(mhaHeader('CompressedData = True\nCompressedDataSize = 300\nElementDataFile = LOCAL\n')), garbage]));
    expect(await userError(readImage(join(dir, 'garbage.mha')))).toMatch(/Could not read garbage\.mha: its compressed voxel data is damaged/);
    writeFileSync(join(dir, 'short.mha'), Buffer.concat([Buffer.from(mhaHeader('CompressedData = True\nElementDataFile = LOCAL\n')), deflateSync(voxels.subarray(0, 200))]));
    expect(await userError(readImage(join(dir, 'short.mha')))).toMatch(/short\.mha: its compressed voxel data is truncated \(200 of 256 bytes once decompressed\)/);
    writeFileSync(join(dir, 'detached.zraw'), deflateSync(voxels.subarray(0, 100)));
    writeFileSync(join(dir, 'detached.mhd'), mhaHeader('CompressedData = True\nElementDataFile = detached.zraw\n'));
    expect(await userError(readImage(join(dir, 'detached.mhd')))).toMatch(/truncated \(100 of 256 bytes/);
  });

  it('gzip NRRD: garbage or short', async () => {
    const header = 'NRRD0004\ntype: unsigned char\ndimension: 3\nsizes: 8 8 4\nspacings: 1 1 1\nencoding: gzip\n\n';
    writeFileSync(join(dir, 'garbage.nrrd'), Buffer.concat([Buffer.from(header), garbage]));
    expect(await userError(readImage(join(dir, 'garbage.nrrd')))).toMatch(/garbage\.nrrd: its compressed voxel data is damaged/);
    writeFileSync(join(dir, 'short.nrrd'), Buffer.concat([Buffer.from(header), gzipSync(voxels.subarray(0, 10))]));
    expect(await userError(readImage(join(dir, 'short.nrrd')))).toMatch(/truncated \(10 of 256 bytes once decompressed\)/);
    writeFileSync(join(dir, 'fine.nrrd'), Buffer.concat([Buffer.from(header), gzipSync(voxels)]));
    expect([...(await readImage(join(dir, 'fine.nrrd'))).data]).toEqual([...voxels]);
  });

  it('NIfTI with zero or NaN pixdim warns that 1 mm is assumed (ITK says nothing)', async () => {
    const raw = gunzipSync(readFileSync(good));
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    view.setFloat32(80, 0, true); // pixdim[1] (i)
    view.setFloat32(88, Number.NaN, true); // pixdim[3] (k)
    writeFileSync(join(dir, 'no-spacing.nii.gz'), gzipSync(raw));
    const image = await readImage(join(dir, 'no-spacing.nii.gz'));
    expect(image.warnings).toEqual([
      'the file has no valid spacing along axis i; 1 mm is assumed',
      'the file has no valid spacing along axis k; 1 mm is assumed',
    ]);
    expect((await readImage(good)).warnings).toEqual([]);
  });
});

describe('worker failures', () => {
  it('a worker that dies mid-call rejects with a UserError, and the next call works', async () => {
    expect(await userError(ioTestHooks.crashWorker())).toMatch(/stopped unexpectedly .*restarted/);
    expect((await readImage(good)).size).toEqual([40, 30, 20]);
  });

  it('a worker that hangs is stopped after the time limit, and the next call works', async () => {
    const started = Date.now();
    expect(await userError(ioTestHooks.hangWorker({ timeoutMs: 1500 }))).toMatch(/Stopped running a hang test after 2 s: it took too long/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await readImage(good)).size).toEqual([40, 30, 20]);
  });

  it('calls queued behind a failing one still run', async () => {
    const results = await Promise.allSettled([readImage(join(dir, 'nope')), readImage(good), ioTestHooks.crashWorker(), readImage(good)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
  });
});
