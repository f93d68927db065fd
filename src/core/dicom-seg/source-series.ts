// The DICOM series a volume was read from, as a derived object needs it: the I/O layer's metadata
// of the read (patient, study, frame of reference, which instance and frame each slice k is) and
// each slice's position (the file's own, else the volume's).
import type { DicomSeriesMetadata } from '../../shared/dicom';
import type { Geometry } from '../../shared/image';
import { indexToWorld } from '../../shared/geometry';
import { UserError } from '../../shared/errors';
import type { SourceSeries } from './seg-dataset';

export function sourceSeriesOf(image: Geometry & { dicom?: DicomSeriesMetadata }): SourceSeries {
  const dicom = image.dicom;
  if (!dicom) throw new UserError('A DICOM SEG needs a case opened from DICOM: this image did not come from a DICOM series. Export it as NIfTI instead.');
  if (!dicom.studyInstanceUid || !dicom.seriesInstanceUid) {
    throw new UserError('Cannot export a DICOM SEG: the source series has no Study or Series Instance UID to refer to. Export it as NIfTI instead.');
  }
  if (dicom.slices.length !== image.size[2]) {
    throw new UserError('Cannot export a DICOM SEG: which source image each slice came from cannot be told (slices without positions, or a mixed series). Export it as NIfTI instead.');
  }
  return {
    studyUid: dicom.studyInstanceUid, seriesUid: dicom.seriesInstanceUid, seriesNumber: dicom.seriesNumber ?? null,
    frameOfReferenceUid: dicom.frameOfReferenceUid ?? null,
    slices: dicom.slices.map((s, k) => ({
      sopClassUid: s.sopClassUid, sopInstanceUid: s.sopInstanceUid, ...(s.frame ? { frame: s.frame } : {}),
      position: s.position ?? indexToWorld(image, [0, 0, k]),
    })),
    patient: { name: dicom.patientName ?? '', id: dicom.patientId ?? '', birthDate: dicom.patientBirthDate ?? '', sex: dicom.patientSex ?? '' },
    study: {
      date: dicom.studyDate ?? '', time: dicom.studyTime ?? '', id: dicom.studyId ?? '', accessionNumber: dicom.accessionNumber ?? '',
      referringPhysician: dicom.referringPhysicianName ?? '', description: dicom.studyDescription ?? '',
    },
  };
}
