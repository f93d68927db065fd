// Masks with their label names and colours: 3D Slicer's .seg.nrrd (segment fields written and read,
// multi-layer files merged) and a JSON sidecar for other formats; masks checked against a grid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { closeImageIo, readLabelmap, writeImage, writeLabelmap } from '../../src/core/io';
import { isUserError } from '../../src/shared/errors';
import type { Geometry } from '../../src/shared/image';
import { obliqueVolume } from '../fixtures/volumes';

const grid: Geometry = obliqueVolume({ size: [12, 10, 6] });
const SEGMENTS = [{ value: 1, name: 'liver', color: '#d95f02' }, { value: 3, name: 'tumour | core', color: '#1b9e77' }];
/** Label 1 in a box, label 3 in a smaller box inside it. */
function labels(): Uint8Array {
  const out = new Uint8Array(12 * 10 * 6);
  for (let k = 1; k < 5; k++) for (let j = 2; j < 8; j++) for (let i = 3; i < 10; i++) out[i + 12 * (j + 10 * k)] = i > 6 && k > 2 ? 3 : 1;
  return out;
}

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'medseg-io-labels-')); });
afterAll(async () => {
  await closeImageIo();
  rmSync(dir, { recursive: true, force: true });
});

async function userError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(isUserError(error), String(error)).toBe(true);
  return (error as Error).message;
}

/** The text header of a NRRD (gzip payload after the blank line). */
function nrrdHeader(path: string): string {
  const bytes = readFileSync(path);
  return bytes.subarray(0, bytes.indexOf('\n\n')).toString('latin1');
}

describe('seg.nrrd (3D Slicer segmentation)', () => {
  it('writes Slicer segment fields and reads the same labels and segments back', async () => {
    const out = join(dir, 'mask.seg.nrrd');
    const written = await writeLabelmap(out, labels(), grid, { segments: SEGMENTS });
    expect(written.labelsFile).toBeUndefined();
    const header = nrrdHeader(out);
    for (const line of [
      'Segment0_Name:=liver', 'Segment0_LabelValue:=1', 'Segment0_Layer:=0', 'Segment0_Color:=0.850980 0.372549 0.007843',
      'Segment0_Extent:=3 9 2 7 1 4', 'Segment1_Name:=tumour | core', 'Segment1_LabelValue:=3', 'Segment1_Extent:=7 9 2 7 3 4',
      'Segmentation_MasterRepresentation:=Binary labelmap', 'space: left-posterior-superior',
    ]) expect(header).toContain(line);
    const back = await readLabelmap(out, { grid });
    expect(back.segments).toEqual(SEGMENTS);
    expect([...back.labels]).toEqual([...labels()]);
    expect(back.warnings).toEqual([]);
  });

  it('merges a multi-layer Slicer file (overlapping segments), with names and colours', async () => {
    // Two layers, as Slicer saves overlapping segments: layer 0 holds "a" (1) and "b" (2), layer 1 "c" (1).
    const [nx, ny, nz] = [4, 3, 2];
    const data = new Uint8Array(2 * nx * ny * nz);
    for (let v = 0; v < nx * ny * nz; v++) {
      data[2 * v] = v < 8 ? 1 : v < 16 ? 2 : 0;
      data[2 * v + 1] = v >= 6 && v < 10 ? 1 : 0; // overlaps "a" at 6, 7 and "b" at 8, 9
    }
    const header = ['NRRD0004', 'type: unsigned char', 'dimension: 4', 'space: left-posterior-superior', `sizes: 2 ${nx} ${ny} ${nz}`,
      'space directions: none (0.8,0,0) (0,0.8,0) (0,0,2.5)', 'kinds: list domain domain domain', 'encoding: gzip', 'space origin: (10,20,30)',
      'Segment0_ID:=a', 'Segment0_Name:=artery', 'Segment0_Color:=1 0 0', 'Segment0_Layer:=0', 'Segment0_LabelValue:=1',
      'Segment1_ID:=b', 'Segment1_Name:=bone', 'Segment1_Color:=0.9 0.9 0.8', 'Segment1_Layer:=0', 'Segment1_LabelValue:=2',
      'Segment2_ID:=c', 'Segment2_Name:=cyst', 'Segment2_Layer:=1', 'Segment2_LabelValue:=1', '', ''].join('\n');
    writeFileSync(join(dir, 'layers.seg.nrrd'), Buffer.concat([Buffer.from(header), gzipSync(data)]));
    const back = await readLabelmap(join(dir, 'layers.seg.nrrd'));
    expect(back.size).toEqual([4, 3, 2]);
    expect(back.spacing).toEqual([0.8, 0.8, 2.5]);
    expect(back.origin).toEqual([10, 20, 30]);
    // Label values collide across layers (1 twice): numbered 1, 2, 3 in field order; no colour → a default.
    expect(back.segments.map((s) => [s.value, s.name, s.color])).toEqual([[1, 'artery', '#ff0000'], [2, 'bone', '#e6e6cc'], [3, 'cyst', '#b17a65']]);
    expect([...back.labels]).toEqual([1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(back.warnings).toEqual(['4 voxels belong to more than one segment (overlapping layers); each keeps the later segment']);
  });

  it('refuses a mask on another grid, and an image that is not a labelmap', async () => {
    await writeLabelmap(join(dir, 'other.nii.gz'), new Uint8Array(12 * 10 * 5), { ...grid, size: [12, 10, 5] });
    expect(await userError(readLabelmap(join(dir, 'other.nii.gz'), { grid }))).toMatch(/not on this image's grid: it is 12×10×5 voxels, the image 12×10×6/);
    await writeLabelmap(join(dir, 'moved.nii.gz'), labels(), { ...grid, origin: [5, 5, 5] });
    expect(await userError(readLabelmap(join(dir, 'moved.nii.gz'), { grid }))).toMatch(/lies elsewhere in space/);
    await writeImage(join(dir, 'ct.nii.gz'), { ...obliqueVolume({ size: [4, 4, 2], pixelType: 'float32' }), data: new Float32Array(32).fill(0.5) });
    expect(await userError(readLabelmap(join(dir, 'ct.nii.gz')))).toMatch(/not a labelmap: it holds the value 0\.5/);
  });
});

describe('NIfTI with a JSON label list beside it', () => {
  it('writes mask.labels.json with the mask and reads it back', async () => {
    const out = join(dir, 'liver.nii.gz');
    const written = await writeLabelmap(out, labels(), grid, { segments: SEGMENTS });
    expect(written.labelsFile).toBe(join(dir, 'liver.labels.json'));
    expect(JSON.parse(readFileSync(written.labelsFile!, 'utf8'))).toEqual({ format: 'medseg-labels/1', image: 'liver.nii.gz', labels: SEGMENTS });
    const back = await readLabelmap(out, { grid });
    expect(back.segments).toEqual(SEGMENTS);
    expect([...back.labels]).toEqual([...labels()]);
    expect(readFileSync(out).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // still a plain .nii.gz
    expect(gunzipSync(readFileSync(out)).length).toBe(352 + 12 * 10 * 6);
  });

  it('refuses bad label lists before writing anything, and a damaged sidecar on reading', async () => {
    const out = join(dir, 'refused.nii.gz');
    expect(await userError(writeLabelmap(out, labels(), grid, { segments: [{ value: 0, name: 'x', color: '#000000' }] }))).toMatch(/label 1 has value 0/);
    expect(await userError(writeLabelmap(out, labels(), grid, { segments: [...SEGMENTS, { value: 3, name: 'again', color: '#000000' }] }))).toMatch(/value 3 is listed twice/);
    expect(await userError(writeLabelmap(out, labels(), grid, { segments: [{ value: 2, name: 'x', color: 'red' }] }))).toMatch(/colour red/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'refused.labels.json'))).toBe(false);
    await writeLabelmap(join(dir, 'kept.nii.gz'), labels(), grid, { segments: SEGMENTS });
    writeFileSync(join(dir, 'kept.labels.json'), '{"format": "medseg-labels/1", "labels": [');
    expect(await userError(readLabelmap(join(dir, 'kept.nii.gz')))).toMatch(/kept\.labels\.json beside kept\.nii\.gz is not valid JSON/);
  });

  it('a mask without labels reads with none', async () => {
    await writeLabelmap(join(dir, 'plain.nrrd'), labels(), grid);
    const back = await readLabelmap(join(dir, 'plain.nrrd'));
    expect(back.segments).toEqual([]);
    expect([...back.labels]).toEqual([...labels()]);
  });
});
