// ONNX metadata_props, read and written by hand: onnxruntime-node does not expose them. An ONNX file
// is one ModelProto; field 14 is `repeated StringStringEntryProto metadata_props` (key = 1, value = 2).
// Reading walks the top-level fields of the file through a file handle and seeks past everything else
// (the graph, field 7, holds the weights and can be hundreds of MB), so it reads a few KB at most.
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../../shared/errors';
import { MANIFEST_KEY, manifestProblems, type ModelManifest } from '../../shared/manifest';
import {
  ProtoReader, ProtoWriter, ProtobufError, WIRE_LENGTH_DELIMITED, WIRE_VARINT, concatBytes,
} from './protobuf-wire';

const METADATA_PROPS = 14;
const GRAPH = 7;
/** ModelProto fields whose wire type we know; a file that disagrees is not an ONNX model. */
const EXPECTED_WIRE_TYPES: Record<number, number> = {
  1: WIRE_VARINT, 2: WIRE_LENGTH_DELIMITED, 3: WIRE_LENGTH_DELIMITED, 4: WIRE_LENGTH_DELIMITED,
  5: WIRE_VARINT, 6: WIRE_LENGTH_DELIMITED, 7: WIRE_LENGTH_DELIMITED, 8: WIRE_LENGTH_DELIMITED,
  14: WIRE_LENGTH_DELIMITED, 20: WIRE_LENGTH_DELIMITED, 25: WIRE_LENGTH_DELIMITED,
};

interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

interface TopLevelRecord {
  field: number;
  /** Byte range of the whole record (tag, length and payload). */
  start: number;
  end: number;
  /** For metadata_props: the decoded entry. */
  entry?: { key: string; value: string };
}

class NotOnnx extends Error {}

async function scanModelProto(source: ByteSource): Promise<TopLevelRecord[]> {
  const records: TopLevelRecord[] = [];
  let offset = 0;
  let sawGraph = false;
  while (offset < source.size) {
    // Tag (≤ 5 bytes) + a varint (≤ 10 bytes) fit in 16 bytes.
    const head = await source.read(offset, Math.min(16, source.size - offset));
    const reader = new ProtoReader(head);
    let end: number;
    let field: number;
    let payloadStart = 0;
    let payloadLength = 0;
    try {
      const header = reader.header();
      field = header.field;
      const expected = EXPECTED_WIRE_TYPES[field];
      if (expected !== undefined && expected !== header.wireType) throw new NotOnnx(`field ${field} has wire type ${header.wireType}`);
      if (header.wireType === WIRE_LENGTH_DELIMITED) {
        payloadLength = reader.varint();
        payloadStart = offset + reader.pos;
        end = payloadStart + payloadLength;
      } else {
        reader.skip(header.wireType);
        end = offset + reader.pos;
      }
    } catch (e) {
      if (e instanceof ProtobufError || e instanceof NotOnnx) throw new NotOnnx(`at byte ${offset}: ${e.message}`);
      throw e;
    }
    if (end > source.size) throw new NotOnnx(`field ${field} at byte ${offset} runs past the end of the file`);
    const record: TopLevelRecord = { field, start: offset, end };
    if (field === GRAPH) sawGraph = true;
    if (field === METADATA_PROPS) record.entry = decodeEntry(await source.read(payloadStart, payloadLength));
    records.push(record);
    offset = end;
  }
  if (!sawGraph) throw new NotOnnx('it has no graph');
  return records;
}

function decodeEntry(bytes: Uint8Array): { key: string; value: string } {
  const reader = new ProtoReader(bytes);
  let key = '';
  let value = '';
  try {
    while (!reader.done) {
      const { field, wireType } = reader.header();
      if (field === 1 && wireType === WIRE_LENGTH_DELIMITED) key = reader.string();
      else if (field === 2 && wireType === WIRE_LENGTH_DELIMITED) value = reader.string();
      else reader.skip(wireType);
    }
  } catch (e) {
    throw new NotOnnx(`a metadata entry is damaged (${(e as Error).message})`);
  }
  return { key, value };
}

function bufferSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

function notOnnxError(path: string, e: NotOnnx): UserError {
  return new UserError(`${basename(path)} is not a valid ONNX model (${e.message}). Export the model to ONNX and try again.`);
}

async function withModelFile<T>(path: string, use: (source: ByteSource) => Promise<T>): Promise<T> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`Model file not found: ${path}.`);
    if (code === 'EISDIR') throw new UserError(`${path} is a folder, not an ONNX model file.`);
    throw new UserError(`Cannot open the model file ${path}: ${(e as Error).message}.`);
  }
  try {
    const { size } = await handle.stat();
    const source: ByteSource = {
      size,
      async read(offset, length) {
        const buffer = new Uint8Array(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return buffer.subarray(0, bytesRead);
      },
    };
    return await use(source);
  } catch (e) {
    if (e instanceof NotOnnx) throw notOnnxError(path, e);
    throw e;
  } finally {
    await handle.close();
  }
}

function entriesOf(records: TopLevelRecord[]): Record<string, string> {
  const out: Record<string, string> = {};
  // Later entries win, as in ONNX Runtime's own metadata map.
  for (const r of records) if (r.entry) out[r.entry.key] = r.entry.value;
  return out;
}

/** All metadata_props of an ONNX file (later duplicates win). */
export async function readOnnxMetadata(path: string): Promise<Record<string, string>> {
  return withModelFile(path, async (source) => entriesOf(await scanModelProto(source)));
}

/** All metadata_props of ONNX bytes in memory. */
export async function readOnnxMetadataFromBytes(model: Uint8Array): Promise<Record<string, string>> {
  try {
    return entriesOf(await scanModelProto(bufferSource(model)));
  } catch (e) {
    if (e instanceof NotOnnx) throw notOnnxError('the data', e);
    throw e;
  }
}

function encodeEntry(key: string, value: string): Uint8Array {
  const entry = new ProtoWriter().string(1, key).string(2, value);
  return new ProtoWriter().message(METADATA_PROPS, entry).finish();
}

/**
 * ONNX bytes with metadata entries set: existing entries with the same keys are dropped, the new ones
 * appended as field-14 records (protobuf concatenation, nothing else is decoded or re-encoded).
 */
export async function setOnnxMetadataInBytes(model: Uint8Array, entries: Record<string, string>): Promise<Uint8Array> {
  let records: TopLevelRecord[];
  try {
    records = await scanModelProto(bufferSource(model));
  } catch (e) {
    if (e instanceof NotOnnx) throw notOnnxError('the data', e);
    throw e;
  }
  const parts: Uint8Array[] = [];
  let keepFrom = 0;
  for (const r of records) {
    if (r.entry && Object.hasOwn(entries, r.entry.key)) {
      if (r.start > keepFrom) parts.push(model.subarray(keepFrom, r.start));
      keepFrom = r.end;
    }
  }
  if (keepFrom < model.length) parts.push(model.subarray(keepFrom));
  for (const [key, value] of Object.entries(entries)) parts.push(encodeEntry(key, value));
  return concatBytes(parts);
}

/** Sets metadata entries of the ONNX file `srcPath`, writing `destPath` (default: in place) atomically. */
export async function writeOnnxMetadata(srcPath: string, entries: Record<string, string>, destPath = srcPath): Promise<void> {
  let model: Uint8Array;
  try {
    model = await readFile(srcPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`Model file not found: ${srcPath}.`);
    throw e;
  }
  let updated: Uint8Array;
  try {
    updated = await setOnnxMetadataInBytes(model, entries);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.message.replace('the data', basename(srcPath)));
    throw e;
  }
  const tmp = join(dirname(destPath), `.${basename(destPath)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, updated);
    await rename(tmp, destPath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

const MANIFEST_FIELDS_HINT = manifestProblems({}).join('; ');

function manifestError(path: string, problems: string[]): UserError {
  return new UserError(`The model manifest in ${basename(path)} is incomplete: ${problems.join('; ')}.`);
}

/** Parses and checks manifest JSON; `path` names the model in errors. */
function parseManifest(json: string, path: string): ModelManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new UserError(`The model manifest in ${basename(path)} is not valid JSON (${(e as Error).message}).`);
  }
  const problems = manifestProblems(parsed);
  if (problems.length) throw manifestError(path, problems);
  return parsed as ModelManifest;
}

/** The model's embedded manifest (metadata key `medseg.manifest`), checked; a UserError says what is missing. */
export async function readManifest(path: string): Promise<ModelManifest> {
  const metadata = await readOnnxMetadata(path);
  const json = metadata[MANIFEST_KEY];
  if (json === undefined) {
    throw new UserError(
      `${basename(path)} has no MedSeg manifest (ONNX metadata "${MANIFEST_KEY}"). Import it with a manifest JSON that gives: ${MANIFEST_FIELDS_HINT}.`,
    );
  }
  return parseManifest(json, path);
}

/** Embeds a (checked) manifest into an ONNX model, replacing any previous one; writes `destPath` atomically. */
export async function embedManifest(srcPath: string, manifest: ModelManifest, destPath = srcPath): Promise<void> {
  const problems = manifestProblems(manifest);
  if (problems.length) throw new UserError(`Cannot embed the manifest into ${basename(srcPath)}: ${problems.join('; ')}.`);
  await writeOnnxMetadata(srcPath, { [MANIFEST_KEY]: JSON.stringify(manifest) }, destPath);
}
