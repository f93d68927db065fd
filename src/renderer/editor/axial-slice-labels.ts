// One axial slice of a labelmap as a plain width × height array (i fastest): what the engine's
// refineSlice takes and answers, so AI clicks and propagation read and write slices with these.
import type { ProvenanceValue } from '../../shared/provenance';
import type { Labelmap } from './labelmap';

export function axialSliceLabels(labelmap: Labelmap, k: number): Uint8Array {
  const plane = labelmap.size[0] * labelmap.size[1];
  return labelmap.labels.slice(k * plane, (k + 1) * plane);
}

/** Writes the voxels of slice k whose label differs from `labels`, with `provenance`; returns how many. */
export function writeAxialSlice(labelmap: Labelmap, k: number, labels: Uint8Array, provenance: ProvenanceValue): number {
  const plane = labelmap.size[0] * labelmap.size[1];
  let changed = 0;
  for (let p = 0, index = k * plane; p < plane; p++, index++) {
    if (labelmap.labels[index] !== labels[p] && labelmap.setAt(index, labels[p], provenance)) changed++;
  }
  return changed;
}
