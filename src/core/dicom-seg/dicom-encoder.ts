// A small DICOM Part 10 writer: explicit VR little endian, the only transfer syntax we write. Data
// sets are lists of elements named by keyword (from DICTIONARY below, the attributes a Segmentation
// uses); sequences nest data sets. Values are padded to even length as PS3.5 asks, text is UTF-8
// (the data set says ISO_IR 192).
import { randomBytes } from 'node:crypto';

export type Vr = 'AT' | 'CS' | 'DA' | 'DS' | 'IS' | 'LO' | 'OB' | 'PN' | 'SH' | 'SQ' | 'ST' | 'TM' | 'UI' | 'UL' | 'US';

/** keyword → [tag, VR] for the attributes we write. */
const DICTIONARY = {
  FileMetaInformationGroupLength: [0x00020000, 'UL'], FileMetaInformationVersion: [0x00020001, 'OB'],
  MediaStorageSOPClassUID: [0x00020002, 'UI'], MediaStorageSOPInstanceUID: [0x00020003, 'UI'], TransferSyntaxUID: [0x00020010, 'UI'],
  ImplementationClassUID: [0x00020012, 'UI'], ImplementationVersionName: [0x00020013, 'SH'],
  SpecificCharacterSet: [0x00080005, 'CS'], ImageType: [0x00080008, 'CS'], InstanceCreationDate: [0x00080012, 'DA'],
  InstanceCreationTime: [0x00080013, 'TM'], SOPClassUID: [0x00080016, 'UI'], SOPInstanceUID: [0x00080018, 'UI'],
  StudyDate: [0x00080020, 'DA'], SeriesDate: [0x00080021, 'DA'], ContentDate: [0x00080023, 'DA'], StudyTime: [0x00080030, 'TM'],
  SeriesTime: [0x00080031, 'TM'], ContentTime: [0x00080033, 'TM'], AccessionNumber: [0x00080050, 'SH'], Modality: [0x00080060, 'CS'],
  Manufacturer: [0x00080070, 'LO'], ReferringPhysicianName: [0x00080090, 'PN'], CodeValue: [0x00080100, 'SH'],
  CodingSchemeDesignator: [0x00080102, 'SH'], CodeMeaning: [0x00080104, 'LO'], StudyDescription: [0x00081030, 'LO'],
  SeriesDescription: [0x0008103e, 'LO'], ManufacturerModelName: [0x00081090, 'LO'], ReferencedSeriesSequence: [0x00081115, 'SQ'],
  ReferencedInstanceSequence: [0x0008114a, 'SQ'], ReferencedSOPClassUID: [0x00081150, 'UI'], ReferencedSOPInstanceUID: [0x00081155, 'UI'], ReferencedFrameNumber: [0x00081160, 'IS'],
  SourceImageSequence: [0x00082112, 'SQ'], DerivationImageSequence: [0x00089124, 'SQ'], DerivationCodeSequence: [0x00089215, 'SQ'],
  PatientName: [0x00100010, 'PN'], PatientID: [0x00100020, 'LO'], PatientBirthDate: [0x00100030, 'DA'], PatientSex: [0x00100040, 'CS'],
  SliceThickness: [0x00180050, 'DS'], SpacingBetweenSlices: [0x00180088, 'DS'], DeviceSerialNumber: [0x00181000, 'LO'],
  SoftwareVersions: [0x00181020, 'LO'], StudyInstanceUID: [0x0020000d, 'UI'], SeriesInstanceUID: [0x0020000e, 'UI'],
  StudyID: [0x00200010, 'SH'], SeriesNumber: [0x00200011, 'IS'], InstanceNumber: [0x00200013, 'IS'],
  ImagePositionPatient: [0x00200032, 'DS'], ImageOrientationPatient: [0x00200037, 'DS'], FrameOfReferenceUID: [0x00200052, 'UI'],
  PositionReferenceIndicator: [0x00201040, 'LO'], FrameContentSequence: [0x00209111, 'SQ'], PlanePositionSequence: [0x00209113, 'SQ'],
  PlaneOrientationSequence: [0x00209116, 'SQ'], DimensionIndexValues: [0x00209157, 'UL'], DimensionOrganizationUID: [0x00209164, 'UI'],
  DimensionIndexPointer: [0x00209165, 'AT'], FunctionalGroupPointer: [0x00209167, 'AT'], DimensionOrganizationSequence: [0x00209221, 'SQ'],
  DimensionIndexSequence: [0x00209222, 'SQ'], DimensionOrganizationType: [0x00209311, 'CS'], DimensionDescriptionLabel: [0x00209421, 'LO'],
  SamplesPerPixel: [0x00280002, 'US'], PhotometricInterpretation: [0x00280004, 'CS'], NumberOfFrames: [0x00280008, 'IS'],
  Rows: [0x00280010, 'US'], Columns: [0x00280011, 'US'], PixelSpacing: [0x00280030, 'DS'], BitsAllocated: [0x00280100, 'US'],
  BitsStored: [0x00280101, 'US'], HighBit: [0x00280102, 'US'], PixelRepresentation: [0x00280103, 'US'],
  LossyImageCompression: [0x00282110, 'CS'], PixelMeasuresSequence: [0x00289110, 'SQ'], PurposeOfReferenceCodeSequence: [0x0040a170, 'SQ'],
  SegmentationType: [0x00620001, 'CS'], SegmentSequence: [0x00620002, 'SQ'], SegmentedPropertyCategoryCodeSequence: [0x00620003, 'SQ'],
  SegmentNumber: [0x00620004, 'US'], SegmentLabel: [0x00620005, 'LO'], SegmentAlgorithmType: [0x00620008, 'CS'],
  SegmentAlgorithmName: [0x00620009, 'LO'], SegmentIdentificationSequence: [0x0062000a, 'SQ'], ReferencedSegmentNumber: [0x0062000b, 'US'],
  RecommendedDisplayCIELabValue: [0x0062000d, 'US'], SegmentedPropertyTypeCodeSequence: [0x0062000f, 'SQ'], SegmentsOverlap: [0x00620013, 'CS'],
  ContentLabel: [0x00700080, 'CS'], ContentDescription: [0x00700081, 'LO'], ContentCreatorName: [0x00700084, 'PN'],
  SharedFunctionalGroupsSequence: [0x52009229, 'SQ'], PerFrameFunctionalGroupsSequence: [0x52009230, 'SQ'], PixelData: [0x7fe00010, 'OB'],
} as const satisfies Record<string, readonly [number, Vr]>;

export type Keyword = keyof typeof DICTIONARY;
export type Value = string | number | readonly (string | number)[] | Uint8Array | readonly DataSet[] | null;
/** Keyword → value; null or '' writes an empty (type 2) attribute. Order does not matter. */
export type DataSet = Partial<Record<Keyword, Value>>;

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Our implementation's UID root (2.25: a UUID as a decimal integer, PS3.5 B.2) and name. */
const IMPLEMENTATION_CLASS_UID = '2.25.229351492053942839170677816015433648301';
const IMPLEMENTATION_VERSION = 'MEDSEG_STUDIO_1';

/** A new globally unique UID: 2.25 followed by 128 random bits in decimal. */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString()}`;
}

// Explicit VR: these have a 2-byte reserved field and a 4-byte length; the others a 2-byte length.
const LONG_VRS = new Set<Vr>(['OB', 'SQ']);
const TEXT_VRS = new Set<Vr>(['LO', 'PN', 'SH', 'ST']);
const encoder = new TextEncoder();

/** A decimal string of at most 16 characters (the DS limit), as precise as fits. */
export function decimalString(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`cannot write ${x} as a DICOM decimal`);
  const plain = String(x);
  if (plain.length <= 16) return plain;
  for (let digits = 15; digits > 0; digits--) {
    const s = String(Number(x.toPrecision(digits)));
    if (s.length <= 16) return s;
    const e = x.toExponential(digits - 1).replace('e+', 'e');
    if (e.length <= 16) return e;
  }
  throw new Error(`cannot write ${x} as a DICOM decimal`);
}

function valueBytes(vr: Vr, value: Exclude<Value, readonly DataSet[]>): Uint8Array {
  if (value === null || value === '') return new Uint8Array(0);
  if (value instanceof Uint8Array) return value;
  const list = (Array.isArray(value) ? value : [value]) as (string | number)[];
  if (vr === 'US' || vr === 'UL' || vr === 'AT') {
    const width = vr === 'US' ? 2 : 4;
    const out = new Uint8Array(list.length * width);
    const view = new DataView(out.buffer);
    list.forEach((v, n) => {
      const x = Number(v);
      if (vr === 'US') view.setUint16(n * 2, x, true);
      else if (vr === 'UL') view.setUint32(n * 4, x, true);
      else { view.setUint16(n * 4, x >>> 16, true); view.setUint16(n * 4 + 2, x & 0xffff, true); }
    });
    return out;
  }
  const text = list.map((v) => (vr === 'DS' && typeof v === 'number' ? decimalString(v) : String(v))).join('\\');
  return TEXT_VRS.has(vr) ? encoder.encode(text) : Uint8Array.from(text, (c) => c.charCodeAt(0) & 0x7f);
}

const concat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

function header(tag: number, vr: Vr, length: number): Uint8Array {
  const long = LONG_VRS.has(vr);
  const out = new Uint8Array(long ? 12 : 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, true);
  else if (length > 0xffff) throw new Error(`value of (${tag.toString(16)}) too long for ${vr}`);
  else view.setUint16(6, length, true);
  return out;
}

function item(bytes: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, 0xe000, true);
  view.setUint32(4, bytes.length, true);
  return concat([head, bytes]);
}

/** The data set's elements in ascending tag order, each with an even-length value. */
export function encodeDataSet(dataSet: DataSet): Uint8Array {
  const entries = (Object.entries(dataSet) as [Keyword, Value | undefined][]).filter((e): e is [Keyword, Value] => e[1] !== undefined);
  entries.sort((a, b) => DICTIONARY[a[0]][0] - DICTIONARY[b[0]][0]);
  return concat(entries.map(([keyword, value]) => {
    const [tag, vr] = DICTIONARY[keyword] as readonly [number, Vr];
    if (vr === 'SQ') {
      const body = concat(((value ?? []) as readonly DataSet[]).map((ds) => item(encodeDataSet(ds))));
      return concat([header(tag, vr, body.length), body]);
    }
    let bytes = valueBytes(vr, value as Exclude<Value, readonly DataSet[]>);
    if (bytes.length % 2) bytes = concat([bytes, Uint8Array.of(vr === 'UI' || vr === 'OB' ? 0 : 0x20)]);
    return concat([header(tag, vr, bytes.length), bytes]);
  }));
}

/** A Part 10 file: preamble, "DICM", file meta information, then the data set. */
export function encodePart10(dataSet: DataSet): Uint8Array {
  const sopClass = dataSet.SOPClassUID, sopInstance = dataSet.SOPInstanceUID;
  if (typeof sopClass !== 'string' || typeof sopInstance !== 'string') throw new Error('a DICOM file needs its SOP class and instance UIDs');
  const meta = encodeDataSet({
    FileMetaInformationVersion: Uint8Array.of(0, 1), MediaStorageSOPClassUID: sopClass, MediaStorageSOPInstanceUID: sopInstance,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN, ImplementationClassUID: IMPLEMENTATION_CLASS_UID, ImplementationVersionName: IMPLEMENTATION_VERSION,
  });
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, encodeDataSet({ FileMetaInformationGroupLength: meta.length }), meta, encodeDataSet({ ...dataSet, SpecificCharacterSet: 'ISO_IR 192' })]);
}
