// A labelmap as a DICOM Segmentation (PS3.3 A.51, binary): one segment per label with its name,
// colour (CIELab) and algorithm type; one frame per segment and source slice that holds it, at that
// slice's position; every frame and the header reference the source instances, so a PACS files the
// SEG with its study and a viewer (OHIF, Slicer) lays it over the series it was drawn on.
import type { SegmentAlgorithmType } from '../../shared/api';
import type { Geometry } from '../../shared/image';
import { dicomLabOf } from './cielab';
import { newUid, type DataSet } from './dicom-encoder';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

export interface SegmentSpec {
  /** The label value in the labelmap. */
  value: number;
  name: string;
  /** "#rrggbb". */
  color: string;
  algorithmType: SegmentAlgorithmType;
  /** Required unless MANUAL: what made the segment (the model, with the editor when corrected). */
  algorithmName: string | null;
}

/** One source image per slice k of the volume, plus what the SEG copies from the source's header. */
export interface SourceSeries {
  studyUid: string;
  seriesUid: string;
  seriesNumber: number | null;
  /** null when the source has none (3D-IRCADb, some exports): the SEG then gets a new one. */
  frameOfReferenceUid: string | null;
  /** `frame`: the 1-based frame of a multi-frame source instance. */
  slices: { sopClassUid: string; sopInstanceUid: string; frame?: number; position: number[] }[];
  patient: { name: string; id: string; birthDate: string; sex: string };
  study: { date: string; time: string; id: string; accessionNumber: string; referringPhysician: string; description: string };
}

interface Code { CodeValue: string; CodingSchemeDesignator: string; CodeMeaning: string }
const sct = (value: string, meaning: string): Code => ({ CodeValue: value, CodingSchemeDesignator: 'SCT', CodeMeaning: meaning });
const TISSUE = { category: sct('85756007', 'Tissue'), type: sct('85756007', 'Tissue') };
/** SNOMED CT codes for the structures our models segment, by label name; anything else is "Tissue". */
const PROPERTY_CODES: [RegExp, { category: Code; type: Code }][] = [
  [/liver/i, { category: sct('123037004', 'Anatomical Structure'), type: sct('10200004', 'Liver') }],
  [/tumou?r|lesion|neoplasm|cancer/i, { category: sct('49755003', 'Morphologically Altered Structure'), type: sct('108369006', 'Neoplasm') }],
];

const dcmCode = (value: string, meaning: string): Code => ({ CodeValue: value, CodingSchemeDesignator: 'DCM', CodeMeaning: meaning });
const SOURCE_IMAGE_PURPOSE = dcmCode('121322', 'Source image for image processing operation');
const SEGMENTATION_DERIVATION = dcmCode('113076', 'Segmentation');

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dicomDate = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
const dicomTime = (d: Date) => `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;

/** The frames to encode: each segment's slices that hold it, in segment then slice order. */
function framesOf(labelmap: Uint8Array, geometry: Geometry, segments: SegmentSpec[]): { segment: number; k: number }[] {
  const plane = geometry.size[0] * geometry.size[1];
  const frames: { segment: number; k: number }[] = [];
  segments.forEach((s, n) => {
    for (let k = 0; k < geometry.size[2]; k++) {
      const slice = labelmap.subarray(k * plane, (k + 1) * plane);
      if (slice.includes(s.value)) frames.push({ segment: n + 1, k });
    }
  });
  return frames;
}

/** Binary frames packed bit after bit, first pixel in the lowest bit, no padding between frames (PS3.5 8.1.1). */
function packFrames(labelmap: Uint8Array, geometry: Geometry, segments: SegmentSpec[], frames: { segment: number; k: number }[]): Uint8Array {
  const plane = geometry.size[0] * geometry.size[1];
  const bytes = new Uint8Array(Math.ceil((frames.length * plane) / 8 / 2) * 2);
  let bit = 0;
  for (const { segment, k } of frames) {
    const value = segments[segment - 1].value;
    for (let n = k * plane, end = n + plane; n < end; n++, bit++) if (labelmap[n] === value) bytes[bit >> 3] |= 1 << (bit & 7);
  }
  return bytes;
}

export function segmentationDataSet(
  labelmap: Uint8Array, geometry: Geometry, segments: SegmentSpec[], source: SourceSeries,
  options: { seriesDescription: string; softwareVersion: string; now?: Date },
): DataSet {
  if (source.slices.length !== geometry.size[2]) throw new Error(`the source series has ${source.slices.length} slices, the labelmap ${geometry.size[2]}`);
  const now = options.now ?? new Date();
  const frames = framesOf(labelmap, geometry, segments);
  const d = geometry.direction;
  const dimensionUid = newUid();
  const sex = source.patient.sex.toUpperCase();
  return {
    SOPClassUID: SEGMENTATION_STORAGE, SOPInstanceUID: newUid(), InstanceCreationDate: dicomDate(now), InstanceCreationTime: dicomTime(now),
    // Patient and General Study: copied, so the SEG belongs to the same patient and study.
    PatientName: source.patient.name, PatientID: source.patient.id, PatientBirthDate: source.patient.birthDate,
    PatientSex: ['M', 'F', 'O'].includes(sex) ? sex : '',
    StudyInstanceUID: source.studyUid, StudyDate: source.study.date, StudyTime: source.study.time, StudyID: source.study.id,
    AccessionNumber: source.study.accessionNumber, ReferringPhysicianName: source.study.referringPhysician,
    ...(source.study.description ? { StudyDescription: source.study.description } : {}),
    // General and Segmentation Series: a new series in that study.
    Modality: 'SEG', SeriesInstanceUID: newUid(), SeriesNumber: 1000 + (source.seriesNumber ?? 0),
    SeriesDescription: options.seriesDescription, SeriesDate: dicomDate(now), SeriesTime: dicomTime(now),
    FrameOfReferenceUID: source.frameOfReferenceUid ?? newUid(), PositionReferenceIndicator: '',
    Manufacturer: 'MedSeg Studio', ManufacturerModelName: 'MedSeg Studio', DeviceSerialNumber: '1', SoftwareVersions: options.softwareVersion,
    InstanceNumber: 1, ContentDate: dicomDate(now), ContentTime: dicomTime(now),
    ImageType: ['DERIVED', 'PRIMARY'], ContentLabel: 'SEGMENTATION', ContentDescription: options.seriesDescription, ContentCreatorName: '',
    SegmentationType: 'BINARY', SegmentsOverlap: 'NO',
    SegmentSequence: segments.map((s, n) => {
      const codes = PROPERTY_CODES.find(([pattern]) => pattern.test(s.name))?.[1] ?? TISSUE;
      return {
        SegmentNumber: n + 1, SegmentLabel: s.name, SegmentAlgorithmType: s.algorithmType,
        ...(s.algorithmType !== 'MANUAL' ? { SegmentAlgorithmName: s.algorithmName ?? 'MedSeg Studio' } : {}),
        SegmentedPropertyCategoryCodeSequence: [codes.category], SegmentedPropertyTypeCodeSequence: [codes.type],
        RecommendedDisplayCIELabValue: dicomLabOf(s.color),
      };
    }),
    SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2', Rows: geometry.size[1], Columns: geometry.size[0],
    BitsAllocated: 1, BitsStored: 1, HighBit: 0, PixelRepresentation: 0, LossyImageCompression: '00', NumberOfFrames: frames.length,
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionUid }],
    DimensionIndexSequence: [
      { DimensionOrganizationUID: dimensionUid, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'ReferencedSegmentNumber' },
      { DimensionOrganizationUID: dimensionUid, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'ImagePositionPatient' },
    ],
    SharedFunctionalGroupsSequence: [{
      // PixelSpacing is row spacing (along j) first, then column spacing (along i).
      PixelMeasuresSequence: [{ PixelSpacing: [geometry.spacing[1], geometry.spacing[0]], SliceThickness: geometry.spacing[2], SpacingBetweenSlices: geometry.spacing[2] }],
      PlaneOrientationSequence: [{ ImageOrientationPatient: [d[0], d[3], d[6], d[1], d[4], d[7]] }],
    }],
    PerFrameFunctionalGroupsSequence: frames.map(({ segment, k }) => ({
      DerivationImageSequence: [{
        SourceImageSequence: [{
          ReferencedSOPClassUID: source.slices[k].sopClassUid, ReferencedSOPInstanceUID: source.slices[k].sopInstanceUid,
          ...(source.slices[k].frame ? { ReferencedFrameNumber: source.slices[k].frame } : {}),
          PurposeOfReferenceCodeSequence: [SOURCE_IMAGE_PURPOSE],
        }],
        DerivationCodeSequence: [SEGMENTATION_DERIVATION],
      }],
      FrameContentSequence: [{ DimensionIndexValues: [segment, k + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: source.slices[k].position }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: segment }],
    })),
    ReferencedSeriesSequence: [{
      SeriesInstanceUID: source.seriesUid,
      // Each instance once (a multi-frame source is one instance for all its slices).
      ReferencedInstanceSequence: [...new Map(source.slices.map((s) => [s.sopInstanceUid, s])).values()]
        .map((s) => ({ ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid })),
    }],
    PixelData: packFrames(labelmap, geometry, segments, frames),
  };
}
