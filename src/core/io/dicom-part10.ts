// Part 10 framing for bare DICOM data sets (old ACR-NEMA style exports without the 128-byte preamble
// and "DICM"), which GDCM refuses to read.
import { TS } from './dicom-dictionary';
import { LONG_VRS } from './dicom-elements';
import type { DicomHeader } from './dicom-header';

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
