// Per-label statistics of a labelmap and, when given, of its image under each label: what a segment
// table shows (3D Slicer's Segment Statistics, ITK-SNAP's label volumes). Pure and shared, so the
// engine (`medseg stats`) and the renderer's panel report the same figures from the same code.
import type { Geometry, PixelArray } from './image';
import type { LabelDefinition } from './manifest';
import { indexToWorld, type Vec3 } from './geometry';
import { axialAxisOf, axialDiameters, inPlaneAxes, type AxialDiameters, type SliceOutline } from './axial-diameters';

export interface SegmentStatistics {
  value: number;
  name: string;
  voxels: number;
  /** voxels × the voxel's volume (spacing product), in millilitres. */
  volumeMl: number;
  /** Intensity under the label (HU for CT); null without a one-component image. SD is the sample SD (n − 1). */
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
  /** Voxel indices (i, j, k), both ends included. */
  boundingBox: { min: Vec3; max: Vec3 };
  /** Centre of mass in world coordinates (LPS, mm). */
  centroidLps: Vec3;
  /** Longest axial diameter and the longest diameter perpendicular to it (RECIST), mm. */
  maxDiameterMm: number;
  perpendicularDiameterMm: number;
  /** Where they were measured: the slice, its axis, and both lines' end points (LPS, mm). */
  diameters: Omit<AxialDiameters, 'maxDiameterMm' | 'perpendicularDiameterMm'>;
}

export interface StatisticsImage {
  data: PixelArray;
  components: number;
}

export interface SegmentStatisticsInput {
  labels: Uint8Array;
  geometry: Geometry;
  /** The image on the same grid; intensities are reported for one-component images only. */
  image?: StatisticsImage | null;
  /** Names for label values; a value without one is called "label N". */
  definitions?: readonly LabelDefinition[];
}

interface Accumulator {
  count: number;
  /** Sums of (value − shift) and its square: shifting by the first value keeps the variance exact. */
  shift: number;
  sum: number;
  sumSquares: number;
  min: number;
  max: number;
  lo: Vec3;
  hi: Vec3;
  centre: Vec3;
}

function accumulate(labels: Uint8Array, geometry: Geometry, intensities: PixelArray | null): (Accumulator | undefined)[] {
  const [nx, ny, nz] = geometry.size;
  const acc: (Accumulator | undefined)[] = new Array(256);
  let idx = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        const label = labels[idx];
        if (label === 0) continue;
        const v = intensities ? intensities[idx] : 0;
        let a = acc[label];
        if (!a) {
          a = acc[label] = { count: 0, shift: v, sum: 0, sumSquares: 0, min: v, max: v, lo: [i, j, k], hi: [i, j, k], centre: [0, 0, 0] };
        }
        a.count++;
        const d = v - a.shift;
        a.sum += d;
        a.sumSquares += d * d;
        if (v < a.min) a.min = v;
        if (v > a.max) a.max = v;
        if (i < a.lo[0]) a.lo[0] = i;
        if (i > a.hi[0]) a.hi[0] = i;
        if (j < a.lo[1]) a.lo[1] = j;
        if (j > a.hi[1]) a.hi[1] = j;
        if (k > a.hi[2]) a.hi[2] = k; // k only grows, so lo[2] is the first k seen
        a.centre[0] += i;
        a.centre[1] += j;
        a.centre[2] += k;
      }
    }
  }
  return acc;
}

/**
 * The boundary pixels (a 4-neighbour in the slice is not the label) of each axial slice within the
 * label's box, as centres in the slice's mm frame: the footprint's extreme points are their corners.
 */
export function labelOutlines(labels: Uint8Array, geometry: Geometry, value: number, box: { min: Vec3; max: Vec3 }): SliceOutline[] {
  const axis = axialAxisOf(geometry.direction);
  const [p, q] = inPlaneAxes(axis);
  const n = geometry.size;
  const stride = [1, n[0], n[0] * n[1]];
  const sp = geometry.spacing[p], sq = geometry.spacing[q];
  const outlines: SliceOutline[] = [];
  for (let s = box.min[axis]; s <= box.max[axis]; s++) {
    const outline: SliceOutline = { slice: s, x: [], y: [] };
    for (let v = box.min[q]; v <= box.max[q]; v++) {
      for (let u = box.min[p]; u <= box.max[p]; u++) {
        const idx = s * stride[axis] + u * stride[p] + v * stride[q];
        if (labels[idx] !== value) continue;
        const inside = u > 0 && labels[idx - stride[p]] === value && u < n[p] - 1 && labels[idx + stride[p]] === value
          && v > 0 && labels[idx - stride[q]] === value && v < n[q] - 1 && labels[idx + stride[q]] === value;
        if (inside) continue;
        outline.x.push(u * sp);
        outline.y.push(v * sq);
      }
    }
    if (outline.x.length > 0) outlines.push(outline);
  }
  return outlines;
}

export function segmentStatistics({ labels, geometry, image, definitions = [] }: SegmentStatisticsInput): SegmentStatistics[] {
  const voxels = geometry.size[0] * geometry.size[1] * geometry.size[2];
  if (labels.length !== voxels) throw new Error(`the labelmap has ${labels.length} voxels but the grid ${voxels}`);
  const intensities = image && image.components === 1 && image.data.length === voxels ? image.data : null;
  const voxelMl = (geometry.spacing[0] * geometry.spacing[1] * geometry.spacing[2]) / 1000;
  const result: SegmentStatistics[] = [];
  accumulate(labels, geometry, intensities).forEach((a, value) => {
    if (!a) return;
    const box = { min: a.lo, max: a.hi };
    const diameters = axialDiameters(labelOutlines(labels, geometry, value, box), geometry)!;
    const { maxDiameterMm, perpendicularDiameterMm, ...where } = diameters;
    const meanOffset = a.sum / a.count;
    const variance = a.count > 1 ? Math.max(0, (a.sumSquares - a.sum * meanOffset) / (a.count - 1)) : 0;
    result.push({
      value,
      name: definitions.find((d) => d.value === value)?.name ?? `label ${value}`,
      voxels: a.count,
      volumeMl: a.count * voxelMl,
      mean: intensities ? a.shift + meanOffset : null,
      sd: intensities ? Math.sqrt(variance) : null,
      min: intensities ? a.min : null,
      max: intensities ? a.max : null,
      boundingBox: box,
      centroidLps: indexToWorld(geometry, a.centre.map((c) => c / a.count) as Vec3),
      maxDiameterMm,
      perpendicularDiameterMm,
      diameters: where,
    });
  });
  return result;
}
