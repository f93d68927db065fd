// The metadata of a DICOM read (patient, study, series, and which instance each slice k is), built
// from the headers of the files that went into the volume. Slice k's instance is found from its
// position along the volume's k axis, not from file order or Instance Number, so it matches the
// voxels whatever order the decoder stacked them in.
import type { DicomSeriesMetadata, DicomSliceReference } from '../../shared/dicom';
import type { Geometry } from '../../shared/image';
import type { DicomHeader } from './dicom-header';

export function dicomSeriesMetadata(headers: DicomHeader[], volume: Geometry): DicomSeriesMetadata {
  const h = headers[0];
  const metadata: DicomSeriesMetadata = {
    patientName: h.patientName, patientId: h.patientId, patientBirthDate: h.patientBirthDate, patientSex: h.patientSex,
    studyInstanceUid: h.studyUid, studyId: h.studyId, studyDate: h.studyDate, studyTime: h.studyTime,
    studyDescription: h.studyDescription, accessionNumber: h.accessionNumber, referringPhysicianName: h.referringPhysicianName,
    seriesInstanceUid: h.seriesUid, seriesNumber: h.seriesNumber, seriesDescription: h.seriesDescription, modality: h.modality,
    frameOfReferenceUid: h.frameOfReferenceUid,
    slices: sliceReferences(headers, volume),
  };
  for (const key of Object.keys(metadata) as (keyof DicomSeriesMetadata)[]) if (metadata[key] === undefined) delete metadata[key];
  return metadata;
}

function sliceReferences(headers: DicomHeader[], volume: Geometry): DicomSliceReference[] {
  const depth = volume.size[2];
  if (headers.some((h) => !h.sopInstanceUid || !h.sopClassUid)) return [];
  if (headers.length === 1) {
    const frames = headers[0].frames ?? 1;
    if (frames !== depth) return [];
    const { sopInstanceUid, sopClassUid } = headers[0] as Required<DicomHeader>;
    return Array.from({ length: depth }, (_, k) => (frames > 1 ? { sopInstanceUid, sopClassUid, frame: k + 1 } : { sopInstanceUid, sopClassUid }));
  }
  if (headers.length !== depth || headers.some((h) => (h.frames ?? 1) > 1 || !h.imagePosition)) return [];
  // k of a slice = its offset from the origin along the k axis (direction column 2), in spacings.
  const axis = [volume.direction[2], volume.direction[5], volume.direction[8]];
  const slices: DicomSliceReference[] = new Array(depth);
  for (const h of headers) {
    const along = h.imagePosition!.reduce((s, x, i) => s + (x - volume.origin[i]) * axis[i], 0);
    const k = Math.round(along / volume.spacing[2]);
    if (k < 0 || k >= depth || slices[k] || Math.abs(along - k * volume.spacing[2]) > 0.25 * volume.spacing[2]) return [];
    slices[k] = { sopInstanceUid: h.sopInstanceUid!, sopClassUid: h.sopClassUid!, position: [...h.imagePosition!] as [number, number, number] };
  }
  return slices;
}
