// Names of DICOM identifiers: transfer syntaxes and the SOP classes of non-image objects (for
// messages: "no pixel data" can say "an RT Structure Set"), and the text decoder a Specific
// Character Set (0008,0005) calls for (so a patient name in Cyrillic or Japanese reads right).
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

// Defined Terms of Specific Character Set → WHATWG encoding labels (Node's TextDecoder, full ICU).
const CHARACTER_SETS: Record<string, string> = {
  'ISO_IR 100': 'iso-8859-1', 'ISO_IR 101': 'iso-8859-2', 'ISO_IR 109': 'iso-8859-3', 'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5', 'ISO_IR 127': 'iso-8859-6', 'ISO_IR 126': 'iso-8859-7', 'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9', 'ISO_IR 203': 'iso-8859-15', 'ISO_IR 166': 'windows-874', 'ISO_IR 13': 'shift_jis',
  'ISO_IR 192': 'utf-8', GB18030: 'gb18030', GBK: 'gbk',
  'ISO 2022 IR 100': 'iso-8859-1', 'ISO 2022 IR 101': 'iso-8859-2', 'ISO 2022 IR 144': 'iso-8859-5',
  'ISO 2022 IR 126': 'iso-8859-7', 'ISO 2022 IR 138': 'iso-8859-8', 'ISO 2022 IR 148': 'iso-8859-9',
  'ISO 2022 IR 87': 'iso-2022-jp', 'ISO 2022 IR 159': 'iso-2022-jp', 'ISO 2022 IR 149': 'euc-kr', 'ISO 2022 IR 58': 'gb18030',
};

/**
 * A decoder for text values (PN, LO, SH, ST, LT) under `specificCharacterSet` (its values joined by
 * "\\"). The first non-default term decides: ISO 2022 code extensions are mapped to the decoder of
 * the set they switch to, which reads the usual single-extension files right. Unknown or absent
 * terms fall back to Latin-1, which never fails and keeps ASCII exact.
 */
export function dicomTextDecoder(specificCharacterSet: string | undefined): (bytes: Uint8Array) => string {
  const terms = (specificCharacterSet ?? '').split('\\').map((t) => t.trim()).filter((t) => t && t !== 'ISO 2022 IR 6' && t !== 'ISO_IR 6');
  const label = terms.map((t) => CHARACTER_SETS[t]).find(Boolean) ?? 'iso-8859-1';
  const decoder = new TextDecoder(label);
  return (bytes) => decoder.decode(bytes);
}
