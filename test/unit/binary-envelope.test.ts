import { expect, test } from 'vitest';
import { decodeEnvelope, encodeEnvelope, EnvelopeError, EnvelopeReader, EnvelopeTooLarge } from '../../src/shared/binary-envelope';

test('typed arrays and buffers survive as bytes beside ordinary JSON', () => {
  const value = {
    name: 'case-1',
    voxels: new Int16Array([-1024, 0, 3071]),
    labels: new Uint8Array([0, 1, 2, 255, 7]),
    probabilities: new Float32Array([0.25, 0.5]),
    raw: new Uint8Array([9, 8, 7]).buffer,
    nested: [{ spacing: [0.7, 0.7, 1.5] }],
  };
  const back = decodeEnvelope<typeof value>(encodeEnvelope(value));
  expect(back.name).toBe('case-1');
  expect(back.voxels).toBeInstanceOf(Int16Array);
  expect(Array.from(back.voxels)).toEqual([-1024, 0, 3071]);
  expect(Array.from(back.labels)).toEqual([0, 1, 2, 255, 7]);
  expect(Array.from(back.probabilities)).toEqual([0.25, 0.5]);
  expect(Array.from(new Uint8Array(back.raw))).toEqual([9, 8, 7]);
  expect(back.nested).toEqual([{ spacing: [0.7, 0.7, 1.5] }]);
});

test('a view into a larger buffer sends only its own bytes', () => {
  const big = new Float32Array(1000).map((_, i) => i);
  const bytes = encodeEnvelope([big.subarray(10, 13)]);
  expect(bytes.byteLength).toBeLessThan(200);
  expect(Array.from(decodeEnvelope<Float32Array[]>(bytes)[0])).toEqual([10, 11, 12]);
});

test('a large volume is carried without a JSON array', () => {
  const volume = new Int16Array(512 * 512).fill(-1000);
  const bytes = encodeEnvelope({ volume });
  expect(bytes.byteLength).toBeLessThan(volume.byteLength + 200);
});

/** An envelope with its header, body and one blob (placed where a reader looks for it) as given. */
function forged(header: string, body: string, blob = new Uint8Array(0), lengths?: [number, number]): Uint8Array {
  const h = new TextEncoder().encode(header), b = new TextEncoder().encode(body);
  const blobAt = Math.ceil((8 + h.length + b.length) / 8) * 8;
  const out = new Uint8Array(blob.length ? blobAt + blob.length : 8 + h.length + b.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, lengths?.[0] ?? h.length, true);
  view.setUint32(4, lengths?.[1] ?? b.length, true);
  out.set(h, 8);
  out.set(b, 8 + h.length);
  if (blob.length) out.set(blob, blobAt);
  return out;
}

test('every declared length is checked against the message before anything is allocated', () => {
  expect(decodeEnvelope(forged('{"blobs":[4]}', '[{"$binary":0,"type":"Int16Array"}]', new Uint8Array([1, 0, 2, 0])))).toEqual([new Int16Array([1, 2])]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array(3), /shorter than/],
    ['header beyond the end', forged('{"blobs":[]}', '[]', undefined, [1000, 2]), /declares 1010 bytes of JSON/],
    ['body beyond the end', forged('{"blobs":[]}', '[]', undefined, [12, 1 << 20]), /bytes of JSON/],
    ['a blob of 64 MiB in a 40-byte message', forged(`{"blobs":[${64 << 20}]}`, '[{"$binary":0,"type":"Uint8Array"}]'), /declares \d+ bytes in all/],
    ['bytes left over', forged('{"blobs":[]}', '[]', new Uint8Array(9)), /declares \d+ bytes in all/],
    ['negative length', forged('{"blobs":[-1]}', '[]'), /byte lengths/],
    ['fractional length', forged('{"blobs":[0.5]}', '[]'), /byte lengths/],
    ['header not JSON', forged('{blobs', '[]'), /header is not JSON/],
    ['header without blobs', forged('{}', '[]'), /byte lengths/],
    ['body not JSON', forged('{"blobs":[]}', '[1,'), /body is not JSON/],
    ['body not UTF-8', (() => { const m = forged('{"blobs":[]}', '"xx"'); m[m.length - 2] = 0xff; return m; })(), /body is not JSON/],
    ['a reference to a missing blob', forged('{"blobs":[]}', '[{"$binary":3,"type":"Uint8Array"}]'), /blob 3 of 0/],
    ['an unknown array type', forged('{"blobs":[2]}', '[{"$binary":0,"type":"Function"}]', new Uint8Array(2)), /not a typed array type/],
    ['an inherited property as array type', forged('{"blobs":[2]}', '[{"$binary":0,"type":"constructor"}]', new Uint8Array(2)), /not a typed array type/],
    ['an Int16Array of odd length', forged('{"blobs":[3]}', '[{"$binary":0,"type":"Int16Array"}]', new Uint8Array(3)), /cannot be 3 bytes long/],
  ];
  for (const [what, bytes, why] of cases) {
    expect(() => decodeEnvelope(bytes), what).toThrow(EnvelopeError);
    expect(() => decodeEnvelope(bytes), what).toThrow(why);
  }
});

test('a message read as it arrives, in chunks of any size, decodes into one buffer per blob', () => {
  const value = [{ caseId: 'c', labelmap: new Uint8Array(1001).map((_, i) => i % 251), provenance: new Int16Array([5, -6, 7]), raw: new Uint8Array([1, 2]).buffer }];
  const bytes = encodeEnvelope(value);
  for (const size of [1, 3, 8, 13, 1000, bytes.length]) {
    const reader = new EnvelopeReader(bytes.length, bytes.length);
    for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size));
    const [back] = reader.finish<typeof value>();
    expect(back, `chunks of ${size}`).toEqual(value[0]);
    // Each blob owns a buffer of its own size: nothing holds on to the whole message.
    expect(back.labelmap.buffer.byteLength).toBe(1001);
    expect(back.provenance.buffer.byteLength).toBe(6);
    expect(back.raw.byteLength).toBe(2);
  }
});

test('a stream is refused as soon as its header declares more than the limit or than the request holds', () => {
  const bytes = encodeEnvelope([new Uint8Array(4096)]);
  const jsonEnd = 8 + new DataView(bytes.buffer).getUint32(0, true) + new DataView(bytes.buffer).getUint32(4, true);
  // The header alone (no blob byte yet) is enough to refuse a 4 KiB blob over a 1 KiB limit.
  expect(() => new EnvelopeReader(1024).push(bytes.subarray(0, jsonEnd))).toThrow(EnvelopeTooLarge);
  expect(() => new EnvelopeReader(1024).push(bytes.subarray(0, jsonEnd))).toThrow(/declares \d+ bytes, over the limit of 1024/);
  // A JSON part declared over the limit is refused from the 8-byte prefix.
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setUint32(0, 1 << 30, true);
  expect(() => new EnvelopeReader(1 << 20).push(prefix)).toThrow(EnvelopeTooLarge);
  // JSON is never the bulk of a message: 1 GiB of it is refused whatever the limit.
  expect(() => new EnvelopeReader().push(prefix)).toThrow(EnvelopeTooLarge);
  // Under a Content-Length, declaring more than it is malformed (400), not too large.
  const lying = () => new EnvelopeReader(1 << 20, 100).push(bytes.subarray(0, jsonEnd));
  expect(lying).toThrow(EnvelopeError);
  expect(lying).not.toThrow(EnvelopeTooLarge);
  // Bytes past the declared end are refused as they come.
  const reader = new EnvelopeReader();
  reader.push(bytes);
  expect(() => reader.push(new Uint8Array(1))).toThrow(/declares \d+ bytes in all but the message is longer/);
});
