// Geometry against an independent reader: nibabel's NIfTI affine (RAS) must equal our LPS
// index→world mapping with x and y negated, both for files we write and for files nibabel writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeImageIo, readImage, writeImage } from '../../src/core/io';
import { indexToWorld } from '../../src/shared/geometry';
import type { Geometry } from '../../src/shared/image';
import { obliqueVolume } from '../fixtures/volumes';
import { PYTHON, hasPythonModules, required } from '../fixtures/external-checkers';

const HAS_NIBABEL = required('nibabel and numpy', 'python3-nibabel', hasPythonModules(['nibabel', 'numpy']));

function python(script: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** Our geometry as a RAS affine (4×4, row-major), the way nibabel would state it. */
function rasAffine(g: Geometry): number[][] {
  const o = indexToWorld(g, [0, 0, 0]);
  const cols = [[1, 0, 0], [0, 1, 0], [0, 0, 1]].map((u) => {
    const p = indexToWorld(g, u as [number, number, number]);
    return [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
  });
  const flip = [-1, -1, 1];
  return [0, 1, 2].map((r) => [cols[0][r] * flip[r], cols[1][r] * flip[r], cols[2][r] * flip[r], o[r] * flip[r]]).concat([[0, 0, 0, 1]]);
}

function expectClose(actual: number[][], expected: number[][], tolerance = 1e-4): void {
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(Math.abs(actual[r][c] - expected[r][c]), `affine[${r}][${c}]`).toBeLessThan(tolerance);
}

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'medseg-io-nib-')); });
afterAll(async () => {
  await closeImageIo();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_NIBABEL)('NIfTI geometry matches nibabel', () => {
  it('a volume we write has the affine and voxels nibabel expects', async () => {
    const source = obliqueVolume();
    const path = join(dir, 'ours.nii.gz');
    await writeImage(path, source);
    const out = JSON.parse(python(`
import sys, json, nibabel as nib, numpy as np
img = nib.load(sys.argv[1])
a = np.asanyarray(img.dataobj)
print(json.dumps({"affine": img.affine.tolist(), "shape": list(a.shape),
  "v": [int(a[1, 0, 0]), int(a[0, 1, 0]), int(a[0, 0, 1]), int(a[6, 4, 3])]}))`, path));
    expect(out.shape).toEqual([7, 5, 4]);
    expectClose(out.affine, rasAffine(source));
    const at = (i: number, j: number, k: number) => source.data[i + 7 * (j + 5 * k)];
    expect(out.v).toEqual([at(1, 0, 0), at(0, 1, 0), at(0, 0, 1), at(6, 4, 3)]);
  });

  it('a volume nibabel writes reads with the same affine and voxels', async () => {
    const path = join(dir, 'theirs.nii.gz');
    const affine = JSON.parse(python(`
import sys, json, nibabel as nib, numpy as np
th, ph = 0.4, -0.25
rz = np.array([[np.cos(th), -np.sin(th), 0], [np.sin(th), np.cos(th), 0], [0, 0, 1]])
ry = np.array([[np.cos(ph), 0, np.sin(ph)], [0, 1, 0], [-np.sin(ph), 0, np.cos(ph)]])
aff = np.eye(4)
aff[:3, :3] = rz @ ry @ np.diag([0.8, 1.1, 3.0])
aff[:3, 3] = [11.5, -22.25, 33.0]
data = (np.arange(6 * 5 * 4).reshape(6, 5, 4) * 3 - 30).astype(np.int16)
img = nib.Nifti1Image(data, aff)
img.set_qform(aff, code=1)
img.set_sform(aff, code=1)
nib.save(img, sys.argv[1])
print(json.dumps(nib.load(sys.argv[1]).affine.tolist()))`, path));
    const image = await readImage(path);
    expect(image.size).toEqual([6, 5, 4]);
    expectClose(rasAffine(image), affine);
    // nibabel data[i, j, k] = (i*20 + j*4 + k)*3 - 30; ours is i fastest.
    for (const [i, j, k] of [[0, 0, 0], [5, 0, 0], [0, 4, 0], [0, 0, 3], [5, 4, 3]]) {
      expect(image.data[i + 6 * (j + 5 * k)]).toBe((i * 20 + j * 4 + k) * 3 - 30);
    }
  });
});
