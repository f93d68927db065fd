// ITK's NIfTI reader fills missing voxels with zeros when a .nii/.nii.gz is truncated (even a cut
// gzip stream reads "successfully"), and turns a zero or NaN pixdim into 1 mm without a word. This
// check reads the header and counts the (decompressed) bytes, so a short file is refused instead of
// shown with a silently blank part, and reports which axes had no valid spacing.
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface NiftiLayout {
  version: 1 | 2;
  dims: number[];
  bitpix: number;
  voxOffset: number;
  /** Bytes a complete file has (header + voxels). */
  expectedBytes: number;
  /** pixdim[1..3]: the voxel size along i, j, k as the header states it. */
  spacing: number[];
}

/** Parse a NIfTI-1/2 header; null when the bytes are not one. */
function parseNiftiHeader(b: Uint8Array): NiftiLayout | null {
  if (b.length < 348) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const little of [true, false]) {
    const sizeofHdr = view.getInt32(0, little);
    if (sizeofHdr === 348) {
      const ndim = view.getInt16(40, little);
      if (ndim < 1 || ndim > 7) return null;
      const dims = Array.from({ length: ndim }, (_, i) => view.getInt16(42 + 2 * i, little));
      const bitpix = view.getInt16(72, little);
      const voxOffset = Math.max(348, Math.floor(view.getFloat32(108, little)));
      return layout(1, dims, bitpix, voxOffset, [1, 2, 3].map((i) => view.getFloat32(76 + 4 * i, little)));
    }
    if (sizeofHdr === 540 && b.length >= 540) {
      const ndim = Number(view.getBigInt64(16, little));
      if (ndim < 1 || ndim > 7) return null;
      const dims = Array.from({ length: ndim }, (_, i) => Number(view.getBigInt64(24 + 8 * i, little)));
      const bitpix = view.getInt16(14, little);
      const voxOffset = Math.max(540, Number(view.getBigInt64(168, little)));
      return layout(2, dims, bitpix, voxOffset, [1, 2, 3].map((i) => view.getFloat64(104 + 8 * i, little)));
    }
  }
  return null;
}

function layout(version: 1 | 2, dims: number[], bitpix: number, voxOffset: number, spacing: number[]): NiftiLayout | null {
  if (dims.some((d) => d < 1) || bitpix <= 0) return null;
  const voxels = dims.reduce((a, d) => a * d, 1);
  return { version, dims, bitpix, voxOffset, expectedBytes: voxOffset + Math.ceil((voxels * bitpix) / 8), spacing };
}

export interface NiftiCheck {
  /** What is wrong with the file's length, in words; null when complete (or not NIfTI: the reader says so). */
  problem: string | null;
  /** Axes (0 = i, 1 = j, 2 = k) whose pixdim is zero, negative or not a number. */
  badSpacingAxes: number[];
}

export async function checkNifti(path: string): Promise<NiftiCheck> {
  const gz = path.toLowerCase().endsWith('.gz');
  const check = (header: NiftiLayout | null, problem: string | null): NiftiCheck => ({
    problem,
    badSpacingAxes: header ? [0, 1, 2].filter((a) => a < header.dims.length && !(header.spacing[a] > 0 && Number.isFinite(header.spacing[a]))) : [],
  });
  if (!gz) {
    const head = await readStart(createReadStream(path, { start: 0, end: 1023 }));
    const header = parseNiftiHeader(head.bytes);
    if (!header) return check(null, null);
    const size = statSync(path).size;
    return check(header, size < header.expectedBytes ? `the file is truncated (${size} of ${header.expectedBytes} bytes)` : null);
  }
  const stream = createReadStream(path).pipe(createGunzip());
  const result = await readStart(stream).catch((e: Error) => ({ error: e }));
  if ('error' in result) return check(null, `its gzip data is damaged or truncated (${result.error.message})`);
  const header = parseNiftiHeader(result.bytes);
  if (!header) return check(null, null);
  return check(header, result.total < header.expectedBytes
    ? `the file is truncated (${result.total} of ${header.expectedBytes} bytes once decompressed)`
    : null);
}

/** The first ≤1024 bytes of a stream and its total length, reading it to the end. */
function readStart(stream: NodeJS.ReadableStream): Promise<{ bytes: Uint8Array; total: number }> {
  return new Promise((resolve, reject) => {
    const start = new Uint8Array(1024);
    let have = 0;
    let total = 0;
    stream.on('data', (chunk: Buffer) => {
      if (have < start.length) {
        const n = Math.min(start.length - have, chunk.length);
        start.set(chunk.subarray(0, n), have);
        have += n;
      }
      total += chunk.length;
    });
    stream.on('error', reject);
    stream.on('end', () => resolve({ bytes: start.subarray(0, have), total }));
  });
}
