// What a file is when its name does not say: magic numbers and a text check, so "not a supported
// image" can say "looks like a PNG, rename it" or "is a text file".
import { closeSync, openSync, readSync } from 'node:fs';
import { describeReadFormats, extensionOf } from './formats';
import { nameOf } from './itk-calls';

export function notRecognisedMessage(abs: string): string {
  const head = readHead(abs, 512);
  const ext = extensionOf(abs);
  const sniffed = sniffImageType(head);
  if (sniffed) return `${nameOf(abs)} looks like a ${sniffed.name} image but is named ${ext ? `'${ext}'` : 'without an extension'}; rename it to end in ${sniffed.ext} and open it again.`;
  if (isText(head)) return `${nameOf(abs)} is a text file, not an image. Open a ${describeReadFormats()}.`;
  return `${nameOf(abs)} is not a supported image${ext ? ` ('${ext}')` : ''}. Open a ${describeReadFormats()}.`;
}

export function readHead(abs: string, n: number): Uint8Array {
  const fd = openSync(abs, 'r');
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function sniffImageType(b: Uint8Array): { name: string; ext: string } | null {
  const starts = (...bytes: number[]) => bytes.every((x, i) => b[i] === x);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return { name: 'PNG', ext: '.png' };
  if (starts(0xff, 0xd8, 0xff)) return { name: 'JPEG', ext: '.jpg' };
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return { name: 'TIFF', ext: '.tif' };
  if (starts(0x42, 0x4d) && b.length > 26) return { name: 'BMP', ext: '.bmp' };
  if (starts(0x1f, 0x8b)) return { name: 'gzip-compressed (probably NIfTI)', ext: '.nii.gz' };
  if (b.length >= 348 && ((b[0] | (b[1] << 8)) === 348 || ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) === 348)) {
    return { name: 'NIfTI', ext: '.nii' };
  }
  if (starts(0x4e, 0x52, 0x52, 0x44)) return { name: 'NRRD', ext: '.nrrd' };
  return null;
}

/** Valid UTF-8 without control characters (other than tab/newline/CR/form feed). */
export function isText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  for (const x of b) if (x < 32 && x !== 9 && x !== 10 && x !== 13 && x !== 12) return false;
  // The 512-byte sample may end inside a multi-byte character.
  for (let cut = 0; cut < 4 && cut < b.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, b.length - cut));
      return true;
    } catch {
      // try a shorter prefix
    }
  }
  return false;
}
