// A DICOM SEG as a labelmap on an image's grid (laid onto it through world coordinates, in the I/O
// worker); its segments become labels, matched by name to the labels already known.
import type { Geometry } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { readDicomHeader } from '../io/dicom-header';
import { readDicomSegmentation } from '../io';
import { SEGMENTATION_STORAGE } from './seg-dataset';

export function isDicomSeg(path: string): boolean {
  const header = readDicomHeader(path);
  return header !== null && (header.sopClassUid === SEGMENTATION_STORAGE || header.modality === 'SEG');
}

/**
 * Each segment's label value: a known label of the same name (each used once), else the N of our
 * own "label N" names, else its segment number; clashes move to the next free value.
 */
function labelValues(segments: { number: number; name: string }[], known: readonly LabelDefinition[]): Map<number, number> {
  const taken = new Set<number>();
  const values = new Map<number, number>();
  for (const s of segments) {
    const byName = known.find((l) => !taken.has(l.value) && l.name.trim().toLowerCase() === s.name.trim().toLowerCase());
    let value = byName?.value ?? Number(/^label (\d+)$/i.exec(s.name)?.[1] ?? s.number);
    while (taken.has(value) || !(value >= 1 && value <= 255)) value = value >= 255 ? 1 : value + 1;
    taken.add(value);
    values.set(s.number, value);
  }
  return values;
}

/** The SEG's labels on `grid` (on the SEG's own grid when null), with its segments as labels. */
export async function readDicomSegOnGrid(path: string, grid: Geometry | null, known: readonly LabelDefinition[] = []) {
  const decoded = await readDicomSegmentation(path, grid);
  const values = labelValues(decoded.segments, known);
  const lookup = new Uint8Array(256);
  for (const [number, value] of values) lookup[number] = value;
  const labelmap = decoded.labels;
  for (let n = 0; n < labelmap.length; n++) labelmap[n] = lookup[labelmap[n]];
  const labels: LabelDefinition[] = decoded.segments.map((s) => ({ value: values.get(s.number)!, name: s.name, color: s.color }));
  return { labelmap, labels, grid: decoded.grid };
}
