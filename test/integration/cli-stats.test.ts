// `medseg stats` from a terminal against numpy/scipy reading the same NIfTI files with nibabel: every
// figure, on an anisotropic grid whose axial axis is j (a coronally stored volume).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeImageIo, writeImage, writeLabelmap } from '../../src/core/io';
import type { Geometry } from '../../src/shared/image';
import { PYTHON, hasPythonModules, required } from '../fixtures/external-checkers';

const HAS_SCIPY = required('nibabel, numpy and scipy', 'python3-scipy', hasPythonModules(['nibabel', 'numpy', 'scipy.spatial']));

// numpy/scipy's reading of the same files: its own axial-axis choice, hull and pair distances over
// every voxel corner, and the perpendicular by dense sampling of lines.
const REFERENCE = `
import sys, json, warnings, numpy as np, nibabel as nib
warnings.simplefilter('ignore')  # nanmax over lines that miss the label
from scipy.spatial import ConvexHull
from scipy.spatial.distance import pdist, squareform
mimg, iimg = nib.load(sys.argv[1]), nib.load(sys.argv[2])
mask = np.asanyarray(mimg.dataobj).astype(int); image = np.asanyarray(iimg.dataobj).astype(float)
zooms = np.array(mimg.header.get_zooms()[:3], dtype=float)
axis = int(np.argmax(np.abs(mimg.affine[2, :3] / zooms)))
p, q = [a for a in range(3) if a != axis]
out = []
for value in sorted(set(np.unique(mask)) - {0}):
    where = mask == value
    vals = image[where]
    idx = np.argwhere(where)
    best = (0, None, None)
    for s in range(mask.shape[axis]):
        sl = np.take(where, s, axis=axis)
        pix = np.argwhere(sl)
        if len(pix) == 0: continue
        pts = np.concatenate([(pix + d) * [zooms[p], zooms[q]] for d in ([-.5, -.5], [.5, -.5], [-.5, .5], [.5, .5])])
        hull = pts[ConvexHull(pts).vertices]
        dist = squareform(pdist(hull))
        a, b = np.unravel_index(np.argmax(dist), dist.shape)
        if dist[a, b] > best[0] + 1e-6: best = (dist[a, b], s, (hull[b] - hull[a]) / dist[a, b])
    length, s, u = best
    sl = np.take(where, s, axis=axis)
    v = np.array([-u[1], u[0]]); step = 0.02
    r = np.hypot(*(np.array(sl.shape) * [zooms[p], zooms[q]])) + 1
    t = np.arange(-r, r, step)[:, None]; w = np.arange(-r, r, step)[None, :]
    x = np.rint((t * u[0] + w * v[0]) / zooms[p]).astype(int); y = np.rint((t * u[1] + w * v[1]) / zooms[q]).astype(int)
    ok = (x >= 0) & (y >= 0) & (x < sl.shape[0]) & (y < sl.shape[1])
    hit = np.zeros_like(ok); hit[ok] = sl[x[ok], y[ok]]
    ws = np.where(hit, w, np.nan)
    perp = np.nanmax(np.nanmax(ws, axis=1) - np.nanmin(ws, axis=1) + step)
    out.append({"value": int(value), "voxels": int(where.sum()), "volumeMl": float(where.sum() * zooms.prod() / 1000),
      "mean": float(vals.mean()), "sd": float(vals.std(ddof=1)), "min": float(vals.min()), "max": float(vals.max()),
      "bboxMin": idx.min(0).tolist(), "bboxMax": idx.max(0).tolist(), "axis": axis, "slice": int(s),
      "maxDiameterMm": float(length), "perpendicularDiameterMm": float(perp)})
print(json.dumps(out))
`;

let dir: string;
const geometry: Geometry = {
  // j runs inferior→superior (a coronal stack), so the axial slices are j = const.
  size: [40, 12, 30], spacing: [0.68, 2.5, 0.9], origin: [30, -12, -80], direction: [-1, 0, 0, 0, 0, 1, 0, 1, 0],
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'medseg-stats-'));
  const [nx, ny, nz] = geometry.size;
  const labels = new Uint8Array(nx * ny * nz);
  const hu = new Int16Array(labels.length);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const n = i + nx * (j + ny * k);
    hu[n] = ((n * 2654435761) >>> 22) % 300 - 100;
    // A tilted ellipsoid lesion (label 1) and a box (label 4) beside it.
    const a = (i - 18) * 0.8 + (k - 14) * 0.6, b = -(i - 18) * 0.6 + (k - 14) * 0.8;
    if ((a / 14) ** 2 + (b / 6) ** 2 + ((j - 6) / 4.5) ** 2 <= 1) labels[n] = 1;
    else if (i >= 33 && i <= 37 && j >= 2 && j <= 9 && k >= 3 && k <= 7) labels[n] = 4;
  }
  await writeImage(join(dir, 'ct.nii.gz'), { ...geometry, components: 1, pixelType: 'int16', data: hu, modality: 'CT' });
  // Label 1 is named in the mask's label list (mask.labels.json beside it); label 4 is not.
  await writeLabelmap(join(dir, 'mask.nii.gz'), labels, geometry, { segments: [{ value: 1, name: 'lesion', color: '#ff8800' }] });
});

afterAll(async () => {
  await closeImageIo();
  rmSync(dir, { recursive: true, force: true });
});

function medseg(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/medseg.mjs', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, MEDSEG_HOME: join(dir, 'home') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('medseg stats', () => {
  it.skipIf(!HAS_SCIPY)('prints every figure as numpy/scipy compute it from the same files', () => {
    const r = medseg('stats', join(dir, 'mask.nii.gz'), '--image', join(dir, 'ct.nii.gz'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ours = JSON.parse(r.stdout);
    const ref = spawnSync(PYTHON, ['-c', REFERENCE, join(dir, 'mask.nii.gz'), join(dir, 'ct.nii.gz')], { encoding: 'utf8' });
    expect(ref.stderr).toBe('');
    const theirs = JSON.parse(ref.stdout);
    expect(ours.labels.map((l: { value: number }) => l.value)).toEqual([1, 4]);
    for (const [n, t] of theirs.entries()) {
      const o = ours.labels[n];
      expect(o.name).toBe(t.value === 1 ? 'lesion' : `label ${t.value}`);
      expect(o.voxels).toBe(t.voxels);
      expect(o.volumeMl).toBeCloseTo(t.volumeMl, 6);
      expect(o.mean).toBeCloseTo(t.mean, 6);
      expect(o.sd).toBeCloseTo(t.sd, 6);
      expect([o.min, o.max]).toEqual([t.min, t.max]);
      expect([o.boundingBox.min, o.boundingBox.max]).toEqual([t.bboxMin, t.bboxMax]);
      expect([o.diameters.axialAxis, o.diameters.slice]).toEqual([t.axis, t.slice]);
      expect(o.maxDiameterMm).toBeCloseTo(t.maxDiameterMm, 4);
      expect(Math.abs(o.perpendicularDiameterMm - t.perpendicularDiameterMm)).toBeLessThan(0.08);
    }
    // NIfTI does not say it is CT, so the unit is not claimed (a DICOM CT series says HU).
    expect(ours.intensityUnit).toBeNull();
  });

  it('without --image gives the shape figures and no intensities; a missing mask is one line', () => {
    const r = medseg('stats', join(dir, 'mask.nii.gz'));
    expect(r.status).toBe(0);
    const [lesion] = JSON.parse(r.stdout).labels;
    expect([lesion.mean, lesion.sd, lesion.min, lesion.max]).toEqual([null, null, null, null]);
    // NIfTI keeps spacing as float32.
    expect(lesion.volumeMl).toBeCloseTo((lesion.voxels * 0.68 * 2.5 * 0.9) / 1000, 6);
    const missing = medseg('stats', join(dir, 'nope.nii.gz'));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
