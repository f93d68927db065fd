// Packs a JSON-able value that may contain typed arrays / ArrayBuffers into one binary message:
// [u32 JSON byte length][JSON][raw buffers…]. Big voxel buffers cross HTTP as bytes, never as JSON
// arrays, and the transport stays generic over every contract method.

const TYPED_ARRAYS = {
  Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, Uint8ClampedArray,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

interface BinaryRef { $binary: number; type: TypedArrayName | 'ArrayBuffer' }

function isBinaryRef(v: unknown): v is BinaryRef {
  return typeof v === 'object' && v !== null && typeof (v as BinaryRef).$binary === 'number' && typeof (v as BinaryRef).type === 'string';
}

export function encodeEnvelope(value: unknown): Uint8Array<ArrayBuffer> {
  const blobs: Uint8Array[] = [];
  const json = JSON.stringify(value, function replacer(this: unknown, _key, v) {
    if (v instanceof ArrayBuffer) {
      blobs.push(new Uint8Array(v));
      return { $binary: blobs.length - 1, type: 'ArrayBuffer' } satisfies BinaryRef;
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      blobs.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      return { $binary: blobs.length - 1, type: v.constructor.name as TypedArrayName } satisfies BinaryRef;
    }
    return v;
  });
  const header = new TextEncoder().encode(JSON.stringify({ blobs: blobs.map((b) => b.byteLength) }));
  const body = new TextEncoder().encode(json);
  const total = 8 + header.byteLength + body.byteLength + blobs.reduce((n, b) => n + b.byteLength + 8, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, header.byteLength, true);
  view.setUint32(4, body.byteLength, true);
  out.set(header, 8);
  out.set(body, 8 + header.byteLength);
  let offset = 8 + header.byteLength + body.byteLength;
  for (const blob of blobs) {
    offset = Math.ceil(offset / 8) * 8; // 8-byte aligned for any typed array (decodeEnvelope still copies: see there)
    out.set(blob, offset);
    offset += blob.byteLength;
  }
  return out.subarray(0, offset);
}

/** A message that is not a well-formed envelope: what a server answers 400 to. */
export class EnvelopeError extends Error {
  constructor(problem: string) {
    super(`malformed request envelope: ${problem}`);
    this.name = 'EnvelopeError';
  }
}

function parseJson(bytes: Uint8Array, what: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes), reviver);
  } catch (e) {
    throw e instanceof EnvelopeError ? e : new EnvelopeError(`its ${what} is not JSON`);
  }
}

/**
 * Every length the message declares is checked against its actual size before anything is
 * allocated, so a small message cannot make the reader allocate (or write to disk) more than it sent.
 */
export function decodeEnvelope<T = unknown>(bytes: Uint8Array): T {
  if (bytes.byteLength < 8) throw new EnvelopeError(`${bytes.byteLength} bytes is shorter than its 8-byte length prefix`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const bodyLength = view.getUint32(4, true);
  const jsonEnd = 8 + headerLength + bodyLength;
  if (jsonEnd > bytes.byteLength) throw new EnvelopeError(`it declares ${jsonEnd} bytes of JSON but has ${bytes.byteLength}`);
  const header = parseJson(bytes.subarray(8, 8 + headerLength), 'header') as { blobs?: unknown };
  const lengths = header?.blobs;
  if (!Array.isArray(lengths) || !lengths.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new EnvelopeError('its header must be {"blobs": [byte lengths]}');
  }
  let offset = jsonEnd;
  const spans = (lengths as number[]).map((length) => {
    offset = Math.ceil(offset / 8) * 8;
    const span = [offset, offset + length] as const;
    offset += length;
    return span;
  });
  if (offset !== Math.max(bytes.byteLength, jsonEnd)) {
    throw new EnvelopeError(`its header declares ${offset} bytes in all but the message has ${bytes.byteLength}`);
  }
  // Own, aligned copies (a Node Buffer's slice() would be a view into its shared pool).
  const buffers = spans.map(([start, end]) => new Uint8Array(bytes.subarray(start, end)).buffer);
  return parseJson(bytes.subarray(8 + headerLength, jsonEnd), 'body', (_key, v) => {
    if (!isBinaryRef(v)) return v;
    const buffer = buffers[v.$binary];
    if (buffer === undefined) throw new EnvelopeError(`it refers to blob ${v.$binary} of ${buffers.length}`);
    if (v.type === 'ArrayBuffer') return buffer;
    if (!Object.hasOwn(TYPED_ARRAYS, v.type)) throw new EnvelopeError(`${JSON.stringify(v.type)} is not a typed array type`);
    const Type = TYPED_ARRAYS[v.type];
    if (buffer.byteLength % Type.BYTES_PER_ELEMENT !== 0) throw new EnvelopeError(`a ${v.type} cannot be ${buffer.byteLength} bytes long`);
    return new Type(buffer);
  }) as T;
}
