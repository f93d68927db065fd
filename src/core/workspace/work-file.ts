// One save of a case's work as one self-checking binary file, named by its content: the labelmap,
// the provenance and the labels travel together, so a crash or a damaged disk can never pair a
// labelmap with another save's provenance. The case record names the file and is written after it.
//
// Layout: MAGIC | uint32 LE header length | header (JSON) | gzip(labelmap) | gzip(provenance).
// The header carries each section's length and SHA-256, so damage is found (and located) on read.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { LabelDefinition } from '../../shared/manifest';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const MAGIC = new TextEncoder().encode('MEDSEG-WORK/1\n');
const SECTIONS = ['labelmap', 'provenance'] as const;
type SectionName = (typeof SECTIONS)[number];

export interface Work {
  labelmap: Uint8Array;
  provenance: Uint8Array;
}

/** What a work file says about itself: enough to restore a case whose record was lost. */
export interface WorkHeader {
  size: [number, number, number];
  labels: LabelDefinition[];
  proposedBy: string | null;
  savedAt: string;
  sections: Record<SectionName, { bytes: number; sha256: string }>;
}

export interface DecodedWork extends Work {
  header: WorkHeader;
  /** Sections that were damaged and replaced (only the provenance can be: it is rebuilt as unknown). */
  damaged: SectionName[];
}

/** Thrown when a work file cannot give back its labelmap; the message says what is wrong. */
export class WorkDamage extends Error {}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function workFileName(bytes: Uint8Array): string {
  return `work-${sha256(bytes).slice(0, 16)}.bin`;
}

export async function encodeWork(work: Work, meta: Omit<WorkHeader, 'sections'>): Promise<Uint8Array> {
  // Level 1: autosave runs often on volumes of 50+ MB; labelmaps compress well even so.
  const compressed = await Promise.all(SECTIONS.map((s) => gzipAsync(work[s], { level: 1 })));
  const sections = Object.fromEntries(SECTIONS.map((s, i) => [s, { bytes: compressed[i].length, sha256: sha256(compressed[i]) }]));
  const header = new TextEncoder().encode(JSON.stringify({ ...meta, sections }));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, header.length, true);
  return Buffer.concat([MAGIC, length, header, ...compressed]);
}

/** Reads a work file back for a grid of `voxels` voxels; throws WorkDamage when the labelmap is lost. */
export async function decodeWork(bytes: Uint8Array, voxels: number): Promise<DecodedWork> {
  const header = readHeader(bytes);
  let at = MAGIC.length + 4 + new DataView(bytes.buffer, bytes.byteOffset + MAGIC.length, 4).getUint32(0, true);
  const out: Partial<Work> = {};
  const damaged: SectionName[] = [];
  for (const name of SECTIONS) {
    const { bytes: length, sha256: expected } = header.sections[name];
    const section = bytes.subarray(at, at + length);
    at += length;
    const problem = section.length !== length ? `cut short (${section.length} of ${length} bytes)`
      : sha256(section) !== expected ? 'its checksum does not match (the bytes changed after it was saved)' : null;
    const voxelsOf = problem ? null : await gunzipAsync(section).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.length), () => null);
    if (voxelsOf && voxelsOf.length === voxels) { out[name] = voxelsOf; continue; }
    const why = problem ?? (voxelsOf ? `it has ${voxelsOf.length} voxels, the image ${voxels}` : 'it does not decompress');
    if (name === 'labelmap') throw new WorkDamage(`the labelmap is damaged: ${why}`);
    damaged.push(name);
    out[name] = new Uint8Array(voxels);
  }
  return { labelmap: out.labelmap!, provenance: out.provenance!, header, damaged };
}

function readHeader(bytes: Uint8Array): WorkHeader {
  if (bytes.length < MAGIC.length + 4 || !MAGIC.every((b, i) => bytes[i] === b)) throw new WorkDamage('it is not a MedSeg work file (wrong start)');
  const length = new DataView(bytes.buffer, bytes.byteOffset + MAGIC.length, 4).getUint32(0, true);
  const start = MAGIC.length + 4;
  if (start + length > bytes.length) throw new WorkDamage('it is cut short inside its header');
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + length))) as WorkHeader;
    if (SECTIONS.every((s) => Number.isInteger(header.sections?.[s]?.bytes) && typeof header.sections[s].sha256 === 'string')) return header;
  } catch { /* reported below */ }
  throw new WorkDamage('its header is damaged');
}
