import type { LabelDefinition } from '../../shared/manifest';

/** Voxel count per label name (labels absent from the mask count 0). */
export function countLabels(labelmap: Uint8Array, labels: LabelDefinition[]): Record<string, number> {
  const histogram = new Float64Array(256);
  for (let i = 0; i < labelmap.length; i++) histogram[labelmap[i]]++;
  return Object.fromEntries(labels.map((l) => [l.name, histogram[l.value]]));
}
