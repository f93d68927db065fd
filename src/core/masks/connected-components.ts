// Connected components of labelmaps (i fastest, then j, then k) with 6-connectivity in 3D.

/**
 * Component ids (1..count) of the voxels equal to `label` (0 elsewhere) and the size of each component
 * (sizes[id], sizes[0] unused). 6-connected: faces only.
 */
export function labelComponents3D(
  labelmap: Uint8Array, size: readonly [number, number, number], label: number,
): { ids: Int32Array; sizes: number[] } {
  const [nx, ny, nz] = size;
  const plane = nx * ny;
  const ids = new Int32Array(labelmap.length);
  const sizes = [0];
  const stack = new Int32Array(labelmap.length);
  let next = 0;
  for (let seed = 0; seed < labelmap.length; seed++) {
    if (labelmap[seed] !== label || ids[seed] !== 0) continue;
    const id = ++next;
    let count = 0;
    let top = 0;
    stack[top++] = seed;
    ids[seed] = id;
    while (top > 0) {
      const v = stack[--top];
      count++;
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / plane);
      if (i > 0 && labelmap[v - 1] === label && ids[v - 1] === 0) { ids[v - 1] = id; stack[top++] = v - 1; }
      if (i < nx - 1 && labelmap[v + 1] === label && ids[v + 1] === 0) { ids[v + 1] = id; stack[top++] = v + 1; }
      if (j > 0 && labelmap[v - nx] === label && ids[v - nx] === 0) { ids[v - nx] = id; stack[top++] = v - nx; }
      if (j < ny - 1 && labelmap[v + nx] === label && ids[v + nx] === 0) { ids[v + nx] = id; stack[top++] = v + nx; }
      if (k > 0 && labelmap[v - plane] === label && ids[v - plane] === 0) { ids[v - plane] = id; stack[top++] = v - plane; }
      if (k < nz - 1 && labelmap[v + plane] === label && ids[v + plane] === 0) { ids[v + plane] = id; stack[top++] = v + plane; }
    }
    sizes.push(count);
  }
  return { ids, sizes };
}

/**
 * In place: keeps only the largest 6-connected component of each of `labels` (every non-zero value
 * present when absent); other voxels of that label become 0. Ties keep the first component in memory order.
 */
export function keepLargestComponent(
  labelmap: Uint8Array, size: readonly [number, number, number], labels?: number[],
): Uint8Array {
  const targets = labels ?? presentLabels(labelmap);
  for (const label of targets) {
    const { ids, sizes } = labelComponents3D(labelmap, size, label);
    if (sizes.length <= 2) continue; // zero or one component
    let best = 1;
    for (let id = 2; id < sizes.length; id++) if (sizes[id] > sizes[best]) best = id;
    for (let v = 0; v < labelmap.length; v++) if (ids[v] !== 0 && ids[v] !== best) labelmap[v] = 0;
  }
  return labelmap;
}

/** The non-zero values that occur in the labelmap, ascending. */
export function presentLabels(labelmap: Uint8Array): number[] {
  const seen = new Uint8Array(256);
  for (let v = 0; v < labelmap.length; v++) seen[labelmap[v]] = 1;
  const out: number[] = [];
  for (let l = 1; l < 256; l++) if (seen[l]) out.push(l);
  return out;
}
