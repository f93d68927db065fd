// Names of the DICOM identifiers that show up in messages: transfer syntaxes and the SOP classes of
// non-image objects (so "no pixel data" can say "an RT Structure Set" instead).
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
