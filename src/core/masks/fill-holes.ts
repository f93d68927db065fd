// Hole filling, slice by slice (axial k-slices of an i-fastest labelmap): background (0) regions that a
// label encloses within the slice become that label.
import { presentLabels } from '../../shared/mask-algorithms';

/**
 * In place, for each of `labels` (every non-zero value present when absent), in each k-slice: voxels
 * that are 0 and cannot reach the slice border through voxels other than that label (4-connected,
 * the background counterpart of an 8-connected object, as scipy's binary_fill_holes) get the label.
 */
export function fillHolesPerSlice(
  labelmap: Uint8Array, size: readonly [number, number, number], labels?: number[],
): Uint8Array {
  const [nx, ny, nz] = size;
  const plane = nx * ny;
  const targets = labels ?? presentLabels(labelmap);
  const outside = new Uint8Array(plane);
  const stack = new Int32Array(plane);
  for (let k = 0; k < nz; k++) {
    const slice = labelmap.subarray(k * plane, (k + 1) * plane);
    for (const label of targets) {
      let any = false;
      for (let p = 0; p < plane; p++) if (slice[p] === label) { any = true; break; }
      if (!any) continue;
      outside.fill(0);
      let top = 0;
      const seed = (p: number) => {
        if (slice[p] !== label && outside[p] === 0) { outside[p] = 1; stack[top++] = p; }
      };
      for (let i = 0; i < nx; i++) { seed(i); seed((ny - 1) * nx + i); }
      for (let j = 0; j < ny; j++) { seed(j * nx); seed(j * nx + nx - 1); }
      while (top > 0) {
        const p = stack[--top];
        const i = p % nx;
        if (i > 0) seed(p - 1);
        if (i < nx - 1) seed(p + 1);
        if (p >= nx) seed(p - nx);
        if (p < plane - nx) seed(p + nx);
      }
      for (let p = 0; p < plane; p++) if (outside[p] === 0 && slice[p] === 0) slice[p] = label;
    }
  }
  return labelmap;
}
