// A minimal protobuf wire-format reader and writer: just enough to read and edit ONNX metadata_props
// (and, in tests, to encode tiny ONNX models) without a protobuf library or the .proto files.

export const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

export class ProtobufError extends Error {}

export interface FieldHeader {
  field: number;
  wireType: number;
}

/** Reads fields from bytes already in memory. */
export class ProtoReader {
  pos: number;
  readonly end: number;

  constructor(readonly bytes: Uint8Array, start = 0, end = bytes.length) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Varint as a JS number (exact up to 2^53, enough for lengths, tags and small ints). */
  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) return result;
      multiplier *= 128;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  header(): FieldHeader {
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) throw new ProtobufError('field number 0');
    return { field, wireType: tag & 7 };
  }

  /** The payload of a length-delimited field, as a view (no copy). */
  lengthDelimited(): Uint8Array {
    const length = this.varint();
    if (this.pos + length > this.end) throw new ProtobufError('length-delimited field runs past the end');
    const view = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  string(): string {
    return new TextDecoder('utf-8', { fatal: false }).decode(this.lengthDelimited());
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT: this.varint(); return;
      case WIRE_FIXED64: this.advance(8); return;
      case WIRE_LENGTH_DELIMITED: this.advance(this.varint()); return;
      case WIRE_FIXED32: this.advance(4); return;
      default: throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new ProtobufError('field runs past the end');
    this.pos += n;
  }
}

/** Builds a protobuf message out of chunks (nested messages are written as finished byte arrays). */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  private tag(field: number, wireType: number): this {
    return this.push(encodeVarint(field * 8 + wireType));
  }

  /** Non-negative integer (int32/int64/uint/enum/bool) as a varint field. */
  uint(field: number, value: number): this {
    return this.tag(field, WIRE_VARINT).push(encodeVarint(value));
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, WIRE_LENGTH_DELIMITED).push(encodeVarint(value.length)).push(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, message: ProtoWriter): this {
    return this.bytes(field, message.finish());
  }

  float32(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.tag(field, WIRE_FIXED32).push(b);
  }

  /** Packed repeated float (e.g. TensorProto.float_data). */
  packedFloat32(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, b);
  }

  /** Packed repeated non-negative varints (e.g. TensorProto.dims). */
  packedUint(field: number, values: ArrayLike<number>): this {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < values.length; i++) parts.push(encodeVarint(values[i]));
    return this.bytes(field, concatBytes(parts));
  }

  finish(): Uint8Array {
    return concatBytes(this.chunks, this.length);
  }
}

export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new ProtobufError(`cannot encode ${value} as a varint`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

export function concatBytes(parts: Uint8Array[], total = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
