// A small, fast DICOM header reader (no pixel decoding): enough to tell whether a file is DICOM, group
// a folder into series, name the modality, and catch files itk-wasm would misread (no pixel data,
// truncated pixel data, no preamble). It never throws on bad input: it answers null ("not DICOM") or
// a header with `problem` set.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { TS, dicomTextDecoder } from './dicom-dictionary';
import {
  ALL_VRS, Cursor, Damaged, NeedMoreBytes, SEQUENCE_END, UNDEFINED, bytesSource, checkEncapsulated, tagKey, type ByteSource, type Encoding,
} from './dicom-elements';


export interface PixelDataInfo {
  /** Byte offset of the value in the file (meaningless for deflated files). */
  offset: number;
  /** Value length in bytes, or -1 for encapsulated (compressed) pixel data. */
  length: number;
}

export interface DicomHeader {
  /** The file had the 128-byte preamble and "DICM" (a Part 10 file); false for a bare data set. */
  hasPreamble: boolean;
  transferSyntax: string;
  sopClassUid?: string;
  sopInstanceUid?: string;
  modality?: string;
  studyUid?: string;
  seriesUid?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  studyDescription?: string;
  studyDate?: string;
  studyTime?: string;
  studyId?: string;
  accessionNumber?: string;
  referringPhysicianName?: string;
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  frameOfReferenceUid?: string;
  /** As the file states it; the text fields above are already decoded with it. */
  specificCharacterSet?: string;
  instanceNumber?: number;
  imagePosition?: number[];
  imageOrientation?: number[];
  rows?: number;
  columns?: number;
  frames?: number;
  samplesPerPixel?: number;
  bitsAllocated?: number;
  photometric?: string;
  pixelData?: PixelDataInfo;
  /** Set when the file is DICOM but damaged: what is wrong, in words. */
  problem?: string;
}


const T = {
  mediaSopClass: tagKey(0x0002, 0x0002),
  transferSyntax: tagKey(0x0002, 0x0010),
  specificCharacterSet: tagKey(0x0008, 0x0005),
  sopClass: tagKey(0x0008, 0x0016),
  studyDate: tagKey(0x0008, 0x0020),
  studyTime: tagKey(0x0008, 0x0030),
  accessionNumber: tagKey(0x0008, 0x0050),
  referringPhysicianName: tagKey(0x0008, 0x0090),
  studyDescription: tagKey(0x0008, 0x1030),
  patientName: tagKey(0x0010, 0x0010),
  patientId: tagKey(0x0010, 0x0020),
  patientBirthDate: tagKey(0x0010, 0x0030),
  patientSex: tagKey(0x0010, 0x0040),
  studyId: tagKey(0x0020, 0x0010),
  frameOfReferenceUid: tagKey(0x0020, 0x0052),
  sopInstance: tagKey(0x0008, 0x0018),
  modality: tagKey(0x0008, 0x0060),
  seriesDescription: tagKey(0x0008, 0x103e),
  studyUid: tagKey(0x0020, 0x000d),
  seriesUid: tagKey(0x0020, 0x000e),
  seriesNumber: tagKey(0x0020, 0x0011),
  instanceNumber: tagKey(0x0020, 0x0013),
  imagePosition: tagKey(0x0020, 0x0032),
  imageOrientation: tagKey(0x0020, 0x0037),
  samplesPerPixel: tagKey(0x0028, 0x0002),
  photometric: tagKey(0x0028, 0x0004),
  frames: tagKey(0x0028, 0x0008),
  rows: tagKey(0x0028, 0x0010),
  columns: tagKey(0x0028, 0x0011),
  bitsAllocated: tagKey(0x0028, 0x0100),
  pixelData: tagKey(0x7fe0, 0x0010),
  floatPixelData: tagKey(0x7fe0, 0x0008),
  doublePixelData: tagKey(0x7fe0, 0x0009),
};
const US_TAGS = new Set([T.samplesPerPixel, T.rows, T.columns, T.bitsAllocated]);
/** Free-text values, decoded with the file's character set (the others are ASCII by definition). */
const TEXT_TAGS = new Set([T.seriesDescription, T.studyDescription, T.referringPhysicianName, T.patientName, T.patientId]);
const WANTED = new Set(Object.values(T));
/** Header fields read as they stand (named as their tags in T). */
const STRING_FIELDS = ['studyUid', 'seriesUid', 'seriesDescription', 'studyDescription', 'studyDate', 'studyTime', 'studyId',
  'accessionNumber', 'referringPhysicianName', 'patientName', 'patientId', 'patientBirthDate', 'frameOfReferenceUid',
  'specificCharacterSet'] as const;

function trimValue(s: string): string {
  return s.replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

function numbers(s: string): number[] {
  return trimValue(s).split('\\').map((x) => Number(x.trim())).filter((x) => Number.isFinite(x));
}

/** A plausible first element of a bare data set (no preamble): group 0002 or 0008, sensible VR or length. */
function sniffBareDataSet(bytes: Uint8Array): Encoding | null {
  if (bytes.length < 8) return null;
  const group = bytes[0] | (bytes[1] << 8);
  if (group !== 0x0002 && group !== 0x0008) return null;
  const vr = String.fromCharCode(bytes[4], bytes[5]);
  if (ALL_VRS.has(vr)) return { explicit: true, little: true };
  const length = bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24);
  if (length >= 0 && length < 1024) return { explicit: false, little: true };
  return null;
}


/**
 * Parse the header of a DICOM file. Answers null when the bytes are not DICOM at all. Reads a prefix
 * first and more only when the header is longer; encapsulated pixel data is walked item by item
 * (8 bytes read per fragment) to check it is complete.
 */
export function parseDicomHeader(input: ByteSource | Uint8Array, prefixBytes = 256 * 1024): DicomHeader | null {
  const source = input instanceof Uint8Array ? bytesSource(input) : input;
  let size = Math.min(source.size, prefixBytes);
  for (;;) {
    const prefix = source.read(0, size);
    try {
      return parsePrefix(prefix, source);
    } catch (e) {
      if (e instanceof NeedMoreBytes && size < source.size) {
        size = Math.min(source.size, size * 4);
        continue;
      }
      throw e;
    }
  }
}

function parsePrefix(prefix: Uint8Array, source: ByteSource): DicomHeader | null {
  const complete = prefix.length >= source.size;
  const hasPreamble = prefix.length >= 132 && prefix[128] === 0x44 && prefix[129] === 0x49 && prefix[130] === 0x43 && prefix[131] === 0x4d;
  let bareEncoding: Encoding | null = null;
  if (!hasPreamble) {
    bareEncoding = sniffBareDataSet(prefix);
    if (!bareEncoding) return null;
  }
  const header: DicomHeader = { hasPreamble, transferSyntax: '' };
  let cursor = new Cursor(prefix, complete);
  let pos = hasPreamble ? 132 : 0;
  const values = new Map<number, string | number>();
  try {
    // File meta information: always explicit VR little endian.
    const metaEnc = { explicit: true, little: true };
    while (pos + 4 <= prefix.length && cursor.u16(pos, true) === 0x0002) {
      const el = cursor.element(pos, metaEnc);
      if (el.length === UNDEFINED) throw new Damaged('the file meta information is malformed');
      if (el.tag === T.transferSyntax) header.transferSyntax = trimValue(cursor.ascii(el.valueOffset, el.length));
      if (el.tag === T.mediaSopClass && el.length < 256) values.set(T.mediaSopClass, cursor.ascii(el.valueOffset, el.length));
      pos = el.valueOffset + el.length;
    }
    if (!hasPreamble && !header.transferSyntax) header.transferSyntax = bareEncoding!.explicit ? TS.explicitLE : TS.implicitLE;
    if (hasPreamble && !header.transferSyntax) header.transferSyntax = TS.implicitLE;
    const enc: Encoding = {
      explicit: header.transferSyntax !== TS.implicitLE,
      little: header.transferSyntax !== TS.explicitBE,
    };
    if (!hasPreamble && bareEncoding) enc.explicit = bareEncoding.explicit;
    let base = 0;
    if (header.transferSyntax === TS.deflatedLE) {
      if (!complete) throw new NeedMoreBytes();
      let inflated: Uint8Array;
      try {
        inflated = inflateRawSync(prefix.subarray(pos));
      } catch {
        throw new Damaged('its deflate-compressed data set is damaged');
      }
      cursor = new Cursor(inflated, true);
      base = -1; // offsets no longer map to the file
      pos = 0;
    }
    const dataLength = cursor.bytes.length;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (pos >= dataLength) {
        if (!cursor.complete) throw new NeedMoreBytes();
        break; // a data set without pixel data
      }
      if (pos + 8 > dataLength && cursor.complete) throw new Damaged('the file ends in the middle of its header');
      const el = cursor.element(pos, enc);
      if (el.tag === T.pixelData || el.tag === T.floatPixelData || el.tag === T.doublePixelData) {
        header.pixelData = {
          offset: base < 0 ? -1 : el.valueOffset,
          length: el.length === UNDEFINED ? -1 : el.length,
        };
        if (el.length === UNDEFINED) {
          if (base < 0) cursor.skipUndefined(el.valueOffset, enc, SEQUENCE_END);
          else checkEncapsulated(source, el.valueOffset, enc.little);
        } else {
          const available = base < 0 ? dataLength : source.size;
          if (el.valueOffset + el.length > available) {
            throw new Damaged(`its pixel data is truncated (${available - el.valueOffset} of ${el.length} bytes present)`);
          }
        }
        break;
      }
      if (el.length === UNDEFINED) {
        const inner = el.vr === 'UN' ? { explicit: false, little: true } : enc;
        pos = cursor.skipUndefined(el.valueOffset, inner, SEQUENCE_END);
        continue;
      }
      if (WANTED.has(el.tag) && el.length < 4096) {
        if (US_TAGS.has(el.tag) && el.length === 2) values.set(el.tag, cursor.u16(el.valueOffset, enc.little));
        else values.set(el.tag, cursor.ascii(el.valueOffset, el.length));
      }
      pos = el.valueOffset + el.length;
    }
  } catch (e) {
    if (e instanceof NeedMoreBytes) throw e;
    if (!(e instanceof Damaged)) throw e;
    header.problem = e.message;
  }
  fill(header, values);
  if (!hasPreamble && !header.sopClassUid && !header.modality && !header.pixelData && !header.seriesUid) return null;
  return header;
}


function fill(h: DicomHeader, v: Map<number, string | number>): void {
  const decode = dicomTextDecoder(typeof v.get(T.specificCharacterSet) === 'string' ? trimValue(v.get(T.specificCharacterSet) as string) : undefined);
  const str = (tag: number) => {
    const x = v.get(tag);
    if (typeof x !== 'string') return undefined;
    // Values were read one byte per char: give multi-byte text its characters back.
    const text = TEXT_TAGS.has(tag) ? decode(Uint8Array.from(x, (c) => c.charCodeAt(0))) : x;
    return trimValue(text) || undefined;
  };
  const num = (tag: number) => {
    const x = v.get(tag);
    if (typeof x === 'number') return x;
    if (typeof x === 'string') {
      const n = Number(trimValue(x));
      return trimValue(x) !== '' && Number.isFinite(n) ? n : undefined;
    }
    return undefined;
  };
  h.sopClassUid = str(T.sopClass) ?? str(T.mediaSopClass);
  h.sopInstanceUid = str(T.sopInstance);
  h.modality = str(T.modality)?.toUpperCase();
  for (const key of STRING_FIELDS) h[key] = str(T[key]);
  h.seriesNumber = num(T.seriesNumber);
  h.patientSex = str(T.patientSex)?.toUpperCase();
  h.instanceNumber = num(T.instanceNumber);
  const ipp = v.get(T.imagePosition);
  if (typeof ipp === 'string' && numbers(ipp).length === 3) h.imagePosition = numbers(ipp);
  const iop = v.get(T.imageOrientation);
  if (typeof iop === 'string' && numbers(iop).length === 6) h.imageOrientation = numbers(iop);
  h.rows = num(T.rows);
  h.columns = num(T.columns);
  h.frames = num(T.frames);
  h.samplesPerPixel = num(T.samplesPerPixel);
  h.bitsAllocated = num(T.bitsAllocated);
  h.photometric = str(T.photometric)?.toUpperCase();
  for (const key of Object.keys(h) as (keyof DicomHeader)[]) if (h[key] === undefined) delete h[key];
  // Uncompressed pixel data shorter than the image it describes is as broken as a truncated file.
  if (!h.problem && h.pixelData && h.pixelData.length >= 0 && h.rows && h.columns && h.bitsAllocated) {
    // YBR_*_422 stores two chroma samples per two pixels: 2 samples per pixel on average.
    const samples = h.photometric?.endsWith('_422') ? 2 : (h.samplesPerPixel ?? 1);
    const bits = h.rows * h.columns * (h.frames ?? 1) * samples * h.bitsAllocated;
    const expected = Math.ceil(bits / 8);
    if (h.pixelData.length < expected) h.problem = `its pixel data is truncated (${h.pixelData.length} of ${expected} bytes present)`;
  }
}

/** Read a file's DICOM header; null when the file is not DICOM (or cannot be opened). */
export function readDicomHeader(path: string): DicomHeader | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const source: ByteSource = {
      size,
      read(offset, length) {
        const n = Math.max(0, Math.min(length, size - offset));
        const buf = new Uint8Array(n);
        let got = 0;
        while (got < n) {
          const r = readSync(fd, buf, got, n - got, offset + got);
          if (r <= 0) break;
          got += r;
        }
        return buf.subarray(0, got);
      },
    };
    return parseDicomHeader(source);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

