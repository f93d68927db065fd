// The clean-ups built on 3D connected components (shared/mask-algorithms.ts): remove small
// islands, keep the largest component, erase the component under a click. Each writes through the
// labelmap, so history records it.
import { componentAt, labelComponents, largestComponentIndex, type LabelComponents } from '../../shared/mask-algorithms';
import { Provenance, type Labelmap } from './labelmap';

function clearComponents(labelmap: Labelmap, components: LabelComponents, drop: (c: number) => boolean): number {
  let removed = 0;
  for (let c = 0; c < components.sizes.length; c++) {
    if (!drop(c)) continue;
    const end = components.starts[c] + components.sizes[c];
    for (let n = components.starts[c]; n < end; n++) {
      if (labelmap.setAt(components.order[n], 0, Provenance.Human)) removed++;
    }
  }
  labelmap.flushChanges('edit');
  return removed;
}

/** Clears components of `label` with fewer than `minVoxels` voxels; returns the voxels cleared. */
export function removeSmallIslands(labelmap: Labelmap, label: number, minVoxels: number): number {
  const components = labelComponents(labelmap.labels, labelmap.size, label);
  return clearComponents(labelmap, components, (c) => components.sizes[c] < minVoxels);
}

/** Clears every component of `label` but the largest; returns the voxels cleared. */
export function keepLargestComponent(labelmap: Labelmap, label: number): number {
  const components = labelComponents(labelmap.labels, labelmap.size, label);
  const largest = largestComponentIndex(components);
  return clearComponents(labelmap, components, (c) => c !== largest);
}

/** Clears the component (of its label, 6-connected) holding voxel `index`; returns the voxels cleared. */
export function eraseComponentAt(labelmap: Labelmap, index: number): number {
  const order = componentAt(labelmap.labels, labelmap.size, index);
  return clearComponents(labelmap, { order, starts: [0], sizes: [order.length] }, () => true);
}
