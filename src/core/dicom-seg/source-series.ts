// The DICOM series a volume was read from, slice by slice: which instance each slice k came from
// (matched by position, so file names and order never matter) and what a derived object copies from
// the source's header. Headers come from the I/O layer's header reader.
import { statSync } from 'node:fs';
import type { Geometry } from '../../shared/image';
import { indexToWorld } from '../../shared/geometry';
import { UserError } from '../../shared/errors';
import { readDicomHeader, type DicomHeader } from '../io/dicom-header';
import type { SourceSeries } from './seg-dataset';

async function dicomFiles(source: string): Promise<string[]> {
  if (!statSync(source).isDirectory()) return [source];
  // The folder walk of the series reader (same depth and file limits); loaded only when exporting.
  const { listFiles } = await import('../io/dicom-folder');
  return listFiles(source);
}

/**
 * The instance of each slice of `geometry` among the DICOM files at `source` (a folder or one
 * file). Throws a UserError when the volume did not come from a single-frame series there.
 */
export async function readSourceSeries(source: string, geometry: Geometry): Promise<SourceSeries> {
  const headers: DicomHeader[] = [];
  for (const path of await dicomFiles(source)) {
    const h = readDicomHeader(path);
    if (h?.pixelData && h.imagePosition && h.sopInstanceUid && h.sopClassUid && !h.problem) headers.push(h);
  }
  if (headers.length === 0) throw new UserError('A DICOM SEG needs a case opened from DICOM: this image did not come from a DICOM series. Export it as NIfTI instead.');
  if (headers.some((h) => (h.frames ?? 1) > 1)) {
    throw new UserError('DICOM SEG export supports series of single-frame images; this case came from a multi-frame (enhanced) DICOM file. Export it as NIfTI instead.');
  }
  const d = geometry.direction;
  const rowDir = [d[0], d[3], d[6]], colDir = [d[1], d[4], d[7]];
  const tolerance = 0.05 * Math.min(...geometry.spacing) + 1e-3;
  const slices: DicomHeader[] = [];
  for (let k = 0; k < geometry.size[2]; k++) {
    const p = indexToWorld(geometry, [0, 0, k]);
    let best: { h: DicomHeader; distance: number } | null = null;
    for (const h of headers) {
      const o = h.imageOrientation;
      const aligned = !o || (o[0] * rowDir[0] + o[1] * rowDir[1] + o[2] * rowDir[2] > 0.999 && o[3] * colDir[0] + o[4] * colDir[1] + o[5] * colDir[2] > 0.999);
      const distance = Math.hypot(h.imagePosition![0] - p[0], h.imagePosition![1] - p[1], h.imagePosition![2] - p[2]);
      if (aligned && h.rows === geometry.size[1] && h.columns === geometry.size[0] && (!best || distance < best.distance)) best = { h, distance };
    }
    if (!best || best.distance > tolerance) {
      throw new UserError(`Cannot export a DICOM SEG: slice ${k + 1} of the volume matches no image of the DICOM series at ${source}. Reopen the case from its DICOM folder.`);
    }
    slices.push(best.h);
  }
  const first = slices[0];
  if (slices.some((h) => h.seriesUid !== first.seriesUid) || !first.seriesUid || !first.studyUid) {
    throw new UserError(`Cannot export a DICOM SEG: the slices of this volume come from more than one DICOM series (or one without series/study UIDs) at ${source}.`);
  }
  // The header reader decodes text with the source's character set; the SEG is written in UTF-8.
  const text = (value: string | undefined) => value ?? '';
  return {
    studyUid: first.studyUid, seriesUid: first.seriesUid, seriesNumber: first.seriesNumber ?? null,
    frameOfReferenceUid: first.frameOfReferenceUid ?? null,
    slices: slices.map((h) => ({ sopClassUid: h.sopClassUid!, sopInstanceUid: h.sopInstanceUid!, position: h.imagePosition! })),
    patient: { name: text(first.patientName), id: text(first.patientId), birthDate: first.patientBirthDate ?? '', sex: first.patientSex ?? '' },
    study: {
      date: first.studyDate ?? '', time: first.studyTime ?? '', id: text(first.studyId), accessionNumber: text(first.accessionNumber),
      referringPhysician: text(first.referringPhysicianName), description: text(first.studyDescription),
    },
  };
}
