// ITK reads an undecodable or short compressed voxel payload as zeros, and says so only on its
// console: a compressed MetaImage full of garbage opens as an all-black volume, a gzip NRRD of
// garbage as noise. These checks decompress the payload (streaming, nothing kept) and count its
// bytes against what the header promises, so such a file is refused instead of shown.
import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createGunzip, createInflate } from 'node:zlib';

const META_TYPE_BYTES: Record<string, number> = {
  MET_CHAR: 1, MET_UCHAR: 1, MET_SHORT: 2, MET_USHORT: 2, MET_INT: 4, MET_UINT: 4, MET_LONG: 4, MET_ULONG: 4,
  MET_LONG_LONG: 8, MET_ULONG_LONG: 8, MET_FLOAT: 4, MET_DOUBLE: 8,
};

/** What is wrong with a MetaImage's compressed payload, in words; null when complete or not checkable. */
export async function metaImageProblem(path: string): Promise<string | null> {
  const { text, bytes } = readHeaderText(path);
  const fields = new Map<string, string>();
  let dataOffset = -1;
  let at = 0;
  for (const line of text.split('\n')) {
    at += Buffer.byteLength(line, 'latin1') + 1;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    fields.set(key, line.slice(eq + 1).trim());
    if (key === 'ElementDataFile') {
      dataOffset = at;
      break;
    }
  }
  if (!/^true$/i.test(fields.get('CompressedData') ?? '')) return null;
  const dims = (fields.get('DimSize') ?? '').split(/\s+/).map(Number);
  const typeBytes = META_TYPE_BYTES[fields.get('ElementType') ?? ''];
  const channels = Number(fields.get('ElementNumberOfChannels') ?? 1);
  if (!typeBytes || dims.length === 0 || !dims.every((d) => Number.isInteger(d) && d > 0) || !(channels >= 1)) return null;
  const expected = dims.reduce((a, d) => a * d, 1) * typeBytes * channels;
  const dataFile = fields.get('ElementDataFile') ?? '';
  const source = dataFile === 'LOCAL'
    ? (dataOffset >= 0 && dataOffset <= bytes ? { file: path, start: dataOffset } : null)
    : singleDataFile(path, dataFile);
  if (!source) return dataFile === 'LOCAL' ? 'its header has no data after it' : null;
  return inflatedProblem(source.file, source.start, 'zlib', expected);
}

/** NRRD type names (the format's many spellings) → bytes per value; undefined for 'block' and unknowns. */
function nrrdTypeBytes(type: string): number | undefined {
  const t = type.toLowerCase().replace(/_t$/, '');
  if (/char|^u?int8$/.test(t)) return 1;
  if (/short|^u?int16$/.test(t)) return 2;
  if (/long ?long|^u?int64$/.test(t)) return 8;
  if (t === 'double') return 8;
  if (t === 'float') return 4;
  if (/^(signed |unsigned )?int$|^u?int32$|^uint$/.test(t)) return 4;
  return undefined;
}

/** What is wrong with a gzip NRRD's payload, in words; null when complete or not checkable. */
export async function nrrdProblem(path: string): Promise<string | null> {
  const { text } = readHeaderText(path);
  const end = text.search(/\r?\n\r?\n/);
  const headerText = end >= 0 ? text.slice(0, end) : text;
  const fields = new Map<string, string>();
  for (const line of headerText.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.startsWith('#') || line[colon + 1] === '=') continue;
    fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (fields.get('encoding') ?? '').toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'gz') return null;
  if (fields.has('line skip') || fields.has('lineskip') || fields.has('byte skip') || fields.has('byteskip')) return null;
  const sizes = (fields.get('sizes') ?? '').split(/\s+/).map(Number);
  const typeBytes = nrrdTypeBytes(fields.get('type') ?? '');
  if (!typeBytes || sizes.length === 0 || !sizes.every((d) => Number.isInteger(d) && d > 0)) return null;
  const expected = sizes.reduce((a, d) => a * d, 1) * typeBytes;
  const dataFile = fields.get('data file') ?? fields.get('datafile');
  if (dataFile === undefined) {
    if (end < 0) return 'its header has no data after it';
    const start = Buffer.byteLength(text.slice(0, end), 'latin1') + (text.slice(end).startsWith('\r\n\r\n') ? 4 : 2);
    return inflatedProblem(path, start, 'gzip', expected);
  }
  const source = singleDataFile(path, dataFile);
  return source ? inflatedProblem(source.file, source.start, 'gzip', expected) : null;
}

/** The first 64 KiB (enough for any header) as Latin-1 text, so byte offsets equal string offsets. */
function readHeaderText(path: string): { text: string; bytes: number } {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const got = readSync(fd, buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, got).toString('latin1'), bytes: statSync(path).size };
  } finally {
    closeSync(fd);
  }
}

/** A detached payload named by one file (not a list or a pattern), beside the header. */
function singleDataFile(headerPath: string, name: string): { file: string; start: number } | null {
  if (!name || /^(LIST|LOCAL)\b/.test(name) || /%|\s/.test(name)) return null;
  const file = join(dirname(headerPath), name);
  return existsSync(file) ? { file, start: 0 } : null;
}

function inflatedProblem(file: string, start: number, kind: 'zlib' | 'gzip', expected: number): Promise<string | null> {
  return new Promise((resolve) => {
    let total = 0;
    const input = createReadStream(file, { start });
    const inflate = kind === 'gzip' ? createGunzip() : createInflate();
    const done = (problem: string | null) => {
      input.destroy();
      inflate.destroy();
      resolve(problem);
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total >= expected) done(null); // complete: the rest (if any) is not needed
    });
    inflate.on('error', (e: Error) => done(`its compressed voxel data is damaged (${e.message})`));
    inflate.on('end', () => done(total >= expected ? null : `its compressed voxel data is truncated (${total} of ${expected} bytes once decompressed)`));
    input.on('error', (e: Error) => done(`its voxel data cannot be read (${e.message})`));
    input.pipe(inflate);
  });
}
