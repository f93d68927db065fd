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
    offset = Math.ceil(offset / 8) * 8; // 8-byte aligned for any typed array
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

/** Calls and answers carry their bulk as blobs; JSON this big is no message of ours (and would cost several times its size to parse). */
const MAX_JSON_BYTES = 64 << 20;

/** The message declares more bytes than the reader may take: what a server answers 413 to. */
export class EnvelopeTooLarge extends EnvelopeError {
  constructor(declared: number, limit: number) {
    super(`it declares ${declared} bytes, over the limit of ${limit}`);
    this.name = 'EnvelopeTooLarge';
  }
}

/**
 * Decodes an envelope as its bytes arrive: the JSON first, then each blob straight into a buffer of
 * its own, so a message costs its own size once (no whole-message buffer, no copy per blob), and a
 * stream can be refused as soon as its header says it is too big. Every declared length is checked
 * against what arrives, and a blob's buffer is allocated only once its first byte has, so a small
 * message cannot make the reader allocate (or write to disk) more than it sent.
 */
export class EnvelopeReader {
  private readonly prefix = new Uint8Array(8);
  private received = 0;
  /** Where the JSON ends (8 + header + body), once the prefix is in. */
  private jsonEnd = -1;
  private readonly jsonParts: Uint8Array[] = [];
  private json: Uint8Array | null = null;
  private headerLength = 0;
  /** [start, end) of each blob in the message, and where the message ends, once the header is in. */
  private spans: [number, number][] = [];
  private total = -1;
  private readonly blobs: Uint8Array<ArrayBuffer>[] = [];
  private current = 0;

  /** `maxBytes`: the most this reader takes. `exactBytes`: the size the message must have (a Content-Length). */
  constructor(private readonly maxBytes = Infinity, private readonly exactBytes?: number) {}

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const pos = this.received;
      let take: number;
      if (pos < 8) {
        take = Math.min(8 - pos, chunk.length - at);
        this.prefix.set(chunk.subarray(at, at + take), pos);
      } else if (pos < this.jsonEnd) {
        take = Math.min(this.jsonEnd - pos, chunk.length - at);
        this.jsonParts.push(chunk.slice(at, at + take));
      } else {
        take = this.takeBlobBytes(chunk.subarray(at), pos);
      }
      at += take;
      this.received += take;
      if (this.received === 8 && this.jsonEnd < 0) this.readPrefix();
      if (this.received === this.jsonEnd && this.total < 0) this.readHeader();
    }
  }

  /** The decoded value, once every declared byte has arrived (and not one more). */
  finish<T = unknown>(): T {
    if (this.received < 8) throw new EnvelopeError(`${this.received} bytes is shorter than its 8-byte length prefix`);
    if (this.total < 0) throw new EnvelopeError(`it declares ${this.jsonEnd} bytes of JSON but has ${this.received}`);
    if (this.received !== this.total) throw new EnvelopeError(`its header declares ${this.total} bytes in all but the message has ${this.received}`);
    const buffers = this.spans.map(([start, end], i) => (this.blobs[i] ?? new Uint8Array(end - start)).buffer);
    return parseJson(this.json!.subarray(this.headerLength), 'body', (_key, v) => {
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

  /** `declares`: the message's own words for it ("it declares N bytes of JSON"), for the error. */
  private checkSize(declared: number, declares: string): void {
    if (this.exactBytes !== undefined && declared > this.exactBytes) throw new EnvelopeError(`${declares} but the request has ${this.exactBytes}`);
    if (declared > this.maxBytes) throw new EnvelopeTooLarge(declared, this.maxBytes);
  }

  private readPrefix(): void {
    const view = new DataView(this.prefix.buffer);
    this.headerLength = view.getUint32(0, true);
    this.jsonEnd = 8 + this.headerLength + view.getUint32(4, true);
    if (this.jsonEnd - 8 > MAX_JSON_BYTES) throw new EnvelopeTooLarge(this.jsonEnd, 8 + MAX_JSON_BYTES);
    this.checkSize(this.jsonEnd, `it declares ${this.jsonEnd} bytes of JSON`);
  }

  private readHeader(): void {
    const json = new Uint8Array(this.jsonEnd - 8);
    let at = 0;
    for (const part of this.jsonParts.splice(0)) {
      json.set(part, at);
      at += part.length;
    }
    this.json = json;
    const header = parseJson(json.subarray(0, this.headerLength), 'header') as { blobs?: unknown };
    const lengths = header?.blobs;
    if (!Array.isArray(lengths) || !lengths.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new EnvelopeError('its header must be {"blobs": [byte lengths]}');
    }
    let offset = this.jsonEnd;
    this.spans = (lengths as number[]).map((length) => {
      offset = Math.ceil(offset / 8) * 8;
      const span: [number, number] = [offset, offset + length];
      offset += length;
      return span;
    });
    this.checkSize(offset, `its header declares ${offset} bytes in all`);
    this.total = offset;
  }

  /** Bytes at `pos` (past the JSON) into the blob they belong to; padding between blobs is skipped. */
  private takeBlobBytes(bytes: Uint8Array, pos: number): number {
    while (this.current < this.spans.length && pos >= this.spans[this.current][1]) this.current++;
    const span = this.spans[this.current];
    if (span === undefined) throw new EnvelopeError(`its header declares ${this.total} bytes in all but the message is longer`);
    if (pos < span[0]) return Math.min(span[0] - pos, bytes.length);
    const take = Math.min(span[1] - pos, bytes.length);
    const blob = (this.blobs[this.current] ??= new Uint8Array(span[1] - span[0]));
    blob.set(bytes.subarray(0, take), pos - span[0]);
    return take;
  }
}

/** A whole message at once (each blob copied into a buffer of its own: a Node Buffer may be a view into a shared pool). */
export function decodeEnvelope<T = unknown>(bytes: Uint8Array): T {
  const reader = new EnvelopeReader();
  reader.push(bytes);
  return reader.finish<T>();
}
