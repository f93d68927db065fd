// The engine's canonical orientation is the trainer's, checked against what orientation.py really
// computes: the same direction matrices (identity, RAS-stored, every axis permutation with flips,
// oblique, exact ties) give the same axes, and the same voxels come out of the reordering.
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { findPythonRuntime } from '../../src/core/training/python-runtime';
import { canonicalAxes, planReorientation, toCanonical } from '../../src/core/imaging/orientation';

/** Row-major 3×3 rotation about world axis `axis` by `angle` radians. */
function rotation(axis: number, angle: number): number[] {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const [p, q] = [0, 1, 2].filter((a) => a !== axis);
  const m = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  m[p * 3 + p] = c; m[p * 3 + q] = -s; m[q * 3 + p] = s; m[q * 3 + q] = c;
  return m;
}

function multiply(a: number[], b: number[]): number[] {
  const out = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c] += a[r * 3 + k] * b[k * 3 + c];
  return out;
}

/** Voxel axis a along world axis perm[a], reversed where its flip bit is set. */
function signedPermutation(perm: number[], flips: number): number[] {
  const m = new Array(9).fill(0);
  perm.forEach((w, a) => { m[w * 3 + a] = flips & (1 << a) ? -1 : 1; });
  return m;
}

const PERMUTATIONS = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
const h = Math.SQRT1_2;
const DIRECTIONS: Record<string, number[]> = {
  identity: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  'RAS-stored NIfTI (-1, -1, 1)': [-1, 0, 0, 0, -1, 0, 0, 0, 1],
  'sagittal stack (i→P, j→I, k→L)': [0, 0, 1, 1, 0, 0, 0, -1, 0],
  'oblique axial, 20° about x': rotation(0, 0.35),
  'oblique, 40° about z then 25° about y, RAS': multiply(multiply(rotation(1, 0.44), rotation(2, 0.7)), [-1, 0, 0, 0, -1, 0, 0, 0, 1]),
  'exact 45° tie in x-y': [h, -h, 0, h, h, 0, 0, 0, 1],
  'exact 45° tie, coronal': [h, 0, h, 0, -1, 0, -h, 0, h],
  // 45° about x, then 45° about y: three entries of |cos| = √½ tie, and the tie order decides the axes.
  'exact 45°·45° ties where the order matters': [h, 0, -h, -0.5, h, -0.5, 0.5, h, 0.5],
};
for (const perm of PERMUTATIONS) for (let flips = 0; flips < 8; flips++) DIRECTIONS[`axes ${perm} flips ${flips}`] = signedPermutation(perm, flips);

const PYTHON = String.raw`
import json, sys
import numpy as np
from medseg_training.orientation import canonical_axes, to_canonical
cases = json.load(sys.stdin)
out = {}
for name, c in cases.items():
    d = np.array(c["direction"], dtype=np.float64).reshape(3, 3)
    nx, ny, nz = c["size"]
    array = np.arange(nx * ny * nz, dtype=np.int32).reshape(nz, ny, nx)
    canonical = to_canonical(array, d)
    out[name] = {"axes": [[a, f] for a, f in canonical_axes(d)], "shape": list(canonical.shape), "voxels": canonical.ravel().tolist()}
print(json.dumps(out))
`;

test('canonical axes and the reordered voxels agree with training/medseg_training/orientation.py', () => {
  const python = findPythonRuntime();
  if (!python) throw new Error('the Python training runtime is missing');
  const size: [number, number, number] = [4, 3, 2]; // every axis tells apart
  const cases = Object.fromEntries(Object.entries(DIRECTIONS).map(([name, direction]) => [name, { direction, size }]));
  const r = spawnSync(python.python, ['-c', PYTHON], { env: python.env, input: JSON.stringify(cases), encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const fromPython = JSON.parse(r.stdout) as Record<string, { axes: [number, boolean][]; shape: number[]; voxels: number[] }>;
  expect(Object.keys(fromPython)).toHaveLength(Object.keys(DIRECTIONS).length);
  const seen = new Set<string>();
  for (const [name, direction] of Object.entries(DIRECTIONS)) {
    const axes = canonicalAxes(direction);
    seen.add(JSON.stringify(axes));
    expect(axes.map(({ axis, flip }) => [axis, flip]), name).toEqual(fromPython[name].axes);
    const plan = planReorientation(size, direction);
    expect([...plan.size].reverse(), name).toEqual(fromPython[name].shape);
    const voxels = Int32Array.from({ length: size[0] * size[1] * size[2] }, (_, v) => v);
    expect(Array.from(toCanonical(voxels, 1, plan)), name).toEqual(fromPython[name].voxels);
  }
  expect(seen.size).toBe(48); // every signed permutation reached, none collapsed
});
