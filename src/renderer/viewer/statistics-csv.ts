// The statistics table as CSV (one row per label), for a spreadsheet or a study's records.
import type { SegmentStatistics } from '../../shared/segment-statistics';

const COLUMNS = [
  'value', 'name', 'voxels', 'volume_ml', 'mean', 'sd', 'min', 'max', 'max_diameter_mm', 'perpendicular_diameter_mm',
  'diameter_slice', 'bbox_i0', 'bbox_j0', 'bbox_k0', 'bbox_i1', 'bbox_j1', 'bbox_k1', 'centroid_x_lps', 'centroid_y_lps', 'centroid_z_lps',
];

function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(+value.toPrecision(10));
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `unit` names the intensity columns' unit (HU for CT), written into their headers. */
export function statisticsCsv(rows: readonly SegmentStatistics[], nameOf: (value: number) => string, unit: string | null): string {
  const header = COLUMNS.map((c) => (unit && ['mean', 'sd', 'min', 'max'].includes(c) ? `${c}_${unit.toLowerCase()}` : c));
  const lines = rows.map((s) => [
    s.value, nameOf(s.value), s.voxels, s.volumeMl, s.mean, s.sd, s.min, s.max, s.maxDiameterMm, s.perpendicularDiameterMm,
    s.diameters.slice, ...s.boundingBox.min, ...s.boundingBox.max, ...s.centroidLps,
  ].map(cell).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
