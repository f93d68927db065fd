// Byte-level DICOM reading: element headers in any of the three encodings, undefined-length sequences
// and items, encapsulated pixel fragments. Knows no tags beyond the item delimiters; dicom-header.ts
// decides which elements matter. Errors: NeedMoreBytes (read a longer prefix) and Damaged (the file
// is broken, in words).

export class NeedMoreBytes extends Error {}
export class Damaged extends Error {}

// VRs with a 2-byte reserved field and a 4-byte length in explicit VR.
export const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
export const ALL_VRS = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS',
  'ST', 'TM', 'UI', 'UL', 'US', ...LONG_VRS]);
export const UNDEFINED = 0xffffffff;

export const tagKey = (group: number, element: number) => group * 0x10000 + element;
const ITEM = tagKey(0xfffe, 0xe000);
const ITEM_END = tagKey(0xfffe, 0xe00d);
export const SEQUENCE_END = tagKey(0xfffe, 0xe0dd);

export interface Encoding { explicit: boolean; little: boolean }

export interface Element { tag: number; vr: string; length: number; valueOffset: number }

/** Reads elements from `bytes` (the file's first bytes, or a whole inflated data set). */
export class Cursor {
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

export interface ByteSource {
  size: number;
  /** Bytes [offset, offset + length), possibly fewer at the end of the file. */
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) };
}

/** Walk the fragments of encapsulated pixel data; throw Damaged when they run past the file's end. */
export function checkEncapsulated(source: ByteSource, offset: number, little: boolean): void {
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
