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

export function decodeEnvelope<T = unknown>(bytes: Uint8Array): T {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const bodyLength = view.getUint32(4, true);
  const decoder = new TextDecoder();
  const { blobs } = JSON.parse(decoder.decode(bytes.subarray(8, 8 + headerLength))) as { blobs: number[] };
  let offset = 8 + headerLength + bodyLength;
  const buffers = blobs.map((length) => {
    offset = Math.ceil(offset / 8) * 8;
    // An own, aligned copy (a Node Buffer's slice() would be a view into its shared pool).
    const blob = new Uint8Array(length);
    blob.set(bytes.subarray(offset, offset + length));
    offset += length;
    return blob.buffer;
  });
  return JSON.parse(decoder.decode(bytes.subarray(8 + headerLength, 8 + headerLength + bodyLength)), (_key, v) => {
    if (!isBinaryRef(v)) return v;
    const buffer = buffers[v.$binary];
    return v.type === 'ArrayBuffer' ? buffer : new TYPED_ARRAYS[v.type](buffer);
  }) as T;
}
