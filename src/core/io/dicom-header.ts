// A small, fast DICOM header reader (no pixel decoding): enough to tell whether a file is DICOM, group
// a folder into series, name the modality, and catch files itk-wasm would misread (no pixel data,
// truncated pixel data, no preamble). It never throws on bad input: it answers null ("not DICOM") or
// a header with `problem` set.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
} as const;

const TRANSFER_SYNTAX_NAMES: Record<string, string> = {
  [TS.implicitLE]: 'Implicit VR Little Endian',
  [TS.explicitLE]: 'Explicit VR Little Endian',
  [TS.deflatedLE]: 'Deflated Explicit VR Little Endian',
  [TS.explicitBE]: 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (12-bit)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

export function transferSyntaxName(uid: string): string {
  return TRANSFER_SYNTAX_NAMES[uid] ?? (uid || 'unknown transfer syntax');
}

const SOP_CLASS_NAMES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set',
  '1.2.840.10008.5.1.4.1.1.481.5': 'RT Plan',
  '1.2.840.10008.5.1.4.1.1.11.1': 'presentation state',
  '1.2.840.10008.5.1.4.1.1.104.1': 'encapsulated PDF',
  '1.2.840.10008.1.3.10': 'DICOMDIR (media directory)',
  '1.2.840.10008.5.1.4.1.1.88.11': 'structured report',
  '1.2.840.10008.5.1.4.1.1.88.22': 'structured report',
  '1.2.840.10008.5.1.4.1.1.88.33': 'structured report',
};

export function sopClassName(uid: string | undefined): string | undefined {
  if (!uid) return undefined;
  if (SOP_CLASS_NAMES[uid]) return SOP_CLASS_NAMES[uid];
  if (uid.startsWith('1.2.840.10008.5.1.4.1.1.88.')) return 'structured report';
  return undefined;
}

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

class NeedMoreBytes extends Error {}
class Damaged extends Error {}

// VRs with a 2-byte reserved field and a 4-byte length in explicit VR.
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const ALL_VRS = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS',
  'ST', 'TM', 'UI', 'UL', 'US', ...LONG_VRS]);
const UNDEFINED = 0xffffffff;

const tagKey = (group: number, element: number) => group * 0x10000 + element;
const T = {
  mediaSopClass: tagKey(0x0002, 0x0002),
  transferSyntax: tagKey(0x0002, 0x0010),
  sopClass: tagKey(0x0008, 0x0016),
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
const WANTED = new Set(Object.values(T));
const ITEM = tagKey(0xfffe, 0xe000);
const ITEM_END = tagKey(0xfffe, 0xe00d);
const SEQUENCE_END = tagKey(0xfffe, 0xe0dd);

interface Encoding { explicit: boolean; little: boolean }

interface Element { tag: number; vr: string; length: number; valueOffset: number }

/** Reads elements from `bytes` (the file's first bytes, or a whole inflated data set). */
class Cursor {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly complete: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(pos: number, n: number): void {
    if (pos + n > this.bytes.length) throw this.complete ? new Damaged('the file ends in the middle of its header') : new NeedMoreBytes();
  }
  u16(pos: number, little: boolean): number { this.need(pos, 2); return this.view.getUint16(pos, little); }
  u32(pos: number, little: boolean): number { this.need(pos, 4); return this.view.getUint32(pos, little); }
  ascii(pos: number, n: number): string {
    this.need(pos, n);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.bytes[pos + i]);
    return s;
  }

  element(pos: number, enc: Encoding): Element {
    const little = enc.little;
    const group = this.u16(pos, little);
    const elem = this.u16(pos + 2, little);
    const tag = tagKey(group, elem);
    if (group === 0xfffe) return { tag, vr: '', length: this.u32(pos + 4, little), valueOffset: pos + 8 };
    if (!enc.explicit) return { tag, vr: '', length: this.u32(pos + 4, little), valueOffset: pos + 8 };
    const vr = this.ascii(pos + 4, 2);
    if (!ALL_VRS.has(vr)) throw new Damaged(`unreadable element (${hex(group)},${hex(elem)})`);
    if (LONG_VRS.has(vr)) return { tag, vr, length: this.u32(pos + 8, little), valueOffset: pos + 12 };
    return { tag, vr, length: this.u16(pos + 6, little), valueOffset: pos + 8 };
  }

  /** Position just after a value of undefined length (a sequence or an item), walking nested items. */
  skipUndefined(pos: number, enc: Encoding, until: number): number {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const el = this.element(pos, enc);
      if (el.tag === until) return el.valueOffset;
      if (el.tag === ITEM) {
        pos = el.length === UNDEFINED ? this.skipUndefined(el.valueOffset, enc, ITEM_END) : el.valueOffset + el.length;
      } else if (el.length === UNDEFINED) {
        // A nested sequence (or UN of undefined length, which is implicit VR little endian inside).
        const inner = el.vr === 'UN' ? { explicit: false, little: true } : enc;
        pos = this.skipUndefined(el.valueOffset, inner, SEQUENCE_END);
      } else {
        pos = el.valueOffset + el.length;
      }
    }
    throw new Damaged('a sequence never ends');
  }
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

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

export interface ByteSource {
  size: number;
  /** Bytes [offset, offset + length), possibly fewer at the end of the file. */
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) };
}

/**
 * Parse the header of a DICOM file. Answers null when the bytes are not DICOM at all. Reads a prefix
 * first and more only when the header is longer; encapsulated pixel data is walked item by item
 * (8 bytes read per fragment) to check it is complete.
 */
export function parseDicomHeader(source: ByteSource, prefixBytes = 256 * 1024): DicomHeader | null {
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

/** Walk the fragments of encapsulated pixel data; throw Damaged when they run past the file's end. */
function checkEncapsulated(source: ByteSource, offset: number, little: boolean): void {
  let pos = offset;
  for (let guard = 0; guard < 10_000_000; guard++) {
    const head = source.read(pos, 8);
    if (head.length < 8) throw new Damaged('its compressed pixel data is truncated');
    const view = new DataView(head.buffer, head.byteOffset, 8);
    const tag = tagKey(view.getUint16(0, little), view.getUint16(2, little));
    const length = view.getUint32(4, little);
    if (tag === SEQUENCE_END) return;
    if (tag !== ITEM || length === UNDEFINED) throw new Damaged('its compressed pixel data is malformed');
    pos += 8 + length;
    if (pos > source.size) throw new Damaged('its compressed pixel data is truncated');
  }
  throw new Damaged('its compressed pixel data is malformed');
}

function fill(h: DicomHeader, v: Map<number, string | number>): void {
  const str = (tag: number) => {
    const x = v.get(tag);
    return typeof x === 'string' ? trimValue(x) || undefined : undefined;
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
  h.studyUid = str(T.studyUid);
  h.seriesUid = str(T.seriesUid);
  h.seriesNumber = num(T.seriesNumber);
  h.seriesDescription = str(T.seriesDescription);
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

/**
 * The bytes of a Part 10 file for a DICOM file that lacks the 128-byte preamble and "DICM" (GDCM
 * refuses such bare data sets): a preamble, a file meta group when the file has none, then the file.
 */
export function withPart10Preamble(file: Uint8Array, header: DicomHeader): Uint8Array {
  const startsWithMeta = file.length >= 2 && file[0] === 0x02 && file[1] === 0x00;
  const meta: Uint8Array[] = [];
  if (!startsWithMeta) {
    const element = (group: number, elem: number, vr: string, value: Uint8Array): Uint8Array => {
      const long = LONG_VRS.has(vr);
      const out = new Uint8Array((long ? 12 : 8) + value.length);
      const view = new DataView(out.buffer);
      view.setUint16(0, group, true);
      view.setUint16(2, elem, true);
      out[4] = vr.charCodeAt(0);
      out[5] = vr.charCodeAt(1);
      if (long) view.setUint32(8, value.length, true);
      else view.setUint16(6, value.length, true);
      out.set(value, long ? 12 : 8);
      return out;
    };
    const uid = (s: string) => {
      const bytes = new TextEncoder().encode(s.length % 2 ? `${s}\0` : s);
      return bytes;
    };
    const body = [
      element(0x0002, 0x0001, 'OB', new Uint8Array([0, 1])),
      element(0x0002, 0x0002, 'UI', uid(header.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.7')),
      element(0x0002, 0x0003, 'UI', uid(header.sopInstanceUid ?? '2.25.1')),
      element(0x0002, 0x0010, 'UI', uid(header.transferSyntax || TS.implicitLE)),
    ];
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, body.reduce((n, b) => n + b.length, 0), true);
    meta.push(element(0x0002, 0x0000, 'UL', length), ...body);
  }
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  const parts = [preamble, ...meta, file];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
