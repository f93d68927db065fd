// What a DICOM series is, as read from its headers: who (patient), which study and series, and which
// instance each slice came from. Shown on the case (its name, the series picker) and copied into a
// DICOM SEG that references the series. Values are the headers' own (dates YYYYMMDD, names in DICOM
// PN form "Family^Given^Middle^Prefix^Suffix"), decoded from the series' character set.

/** One slice k of the assembled volume and the instance (and frame, for multi-frame files) it is. */
export interface DicomSliceReference {
  sopInstanceUid: string;
  sopClassUid: string;
  /** 1-based frame number inside a multi-frame instance; absent for single-frame files. */
  frame?: number;
  /** The file's Image Position (Patient), LPS mm, when it has one (single-frame files). */
  position?: [number, number, number];
}

export interface DicomSeriesMetadata {
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  studyInstanceUid?: string;
  studyId?: string;
  studyDate?: string;
  studyTime?: string;
  studyDescription?: string;
  accessionNumber?: string;
  referringPhysicianName?: string;
  seriesInstanceUid?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  modality?: string;
  frameOfReferenceUid?: string;
  /**
   * One entry per slice k (index = k) when every slice's instance is known; empty when it cannot be
   * told (slices without a position, a multi-frame series mixed with single frames).
   */
  slices: DicomSliceReference[];
}

/** One series of a folder, for a series picker (as Slicer's DICOM browser lists them). */
export interface DicomSeriesSummary {
  seriesInstanceUid: string;
  seriesNumber?: number;
  seriesDescription?: string;
  modality?: string;
  patientName?: string;
  patientId?: string;
  studyDescription?: string;
  studyDate?: string;
  /** Files in the series, and slices (frames of multi-frame files counted). */
  files: number;
  slices: number;
  /** Bytes on disk of the series' files. */
  bytes: number;
  rows?: number;
  columns?: number;
}

/** "DOE^JOHN^^DR" → "DOE, JOHN"; the alphabetic group only (before any "=" ideographic group). */
export function personNameForDisplay(pn: string | undefined): string | undefined {
  if (!pn) return undefined;
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = pn.split('=')[0].split('^').map((p) => p.trim());
  const first = [prefix, given, middle].filter(Boolean).join(' ');
  const name = [family, first].filter(Boolean).join(', ');
  return (suffix ? `${name} ${suffix}` : name) || undefined;
}
