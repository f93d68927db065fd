import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  embedManifest, readManifest, readOnnxMetadata, readOnnxMetadataFromBytes, setOnnxMetadataInBytes, writeOnnxMetadata,
} from '../../src/core/inference/onnx-metadata';
import { ProtoReader, ProtoWriter, encodeVarint } from '../../src/core/inference/protobuf-wire';
import { UserError } from '../../src/shared/errors';
import { MANIFEST_KEY } from '../../src/shared/manifest';
import { buildConvModel, testManifest, writeConvModel } from '../fixtures/onnx-builder';

const dir = mkdtempSync(join(tmpdir(), 'medseg-onnx-meta-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('protobuf wire format', () => {
  test('varints round-trip, including multi-byte and > 2^32 values', () => {
    for (const v of [0, 1, 127, 128, 300, 16383, 16384, 2 ** 31, 2 ** 35 + 7, Number.MAX_SAFE_INTEGER]) {
      expect(new ProtoReader(encodeVarint(v)).varint()).toBe(v);
    }
    expect(Array.from(encodeVarint(300))).toEqual([0xac, 0x02]);
  });

  test('a reader walks and skips every wire type', () => {
    const bytes = new ProtoWriter().uint(1, 5).float32(2, 1.5).string(3, 'hé').bytes(4, new Uint8Array(3)).finish();
    const r = new ProtoReader(bytes);
    expect(r.header()).toEqual({ field: 1, wireType: 0 });
    expect(r.varint()).toBe(5);
    expect(r.header()).toEqual({ field: 2, wireType: 5 });
    r.skip(5);
    expect(r.header()).toEqual({ field: 3, wireType: 2 });
    expect(r.string()).toBe('hé');
    expect(r.header().field).toBe(4);
    r.skip(2);
    expect(r.done).toBe(true);
  });
});

describe('ONNX metadata_props', () => {
  test('embedded entries read back; ONNX Runtime still loads the file', async () => {
    const manifest = testManifest({ id: 'round-trip' });
    const path = writeConvModel(join(dir, 'rt.onnx'), { weights: [[1]], bias: [0], manifest, metadata: { author: 'test', 'ünï': 'çødé ✓' } });
    const meta = await readOnnxMetadata(path);
    expect(meta.author).toBe('test');
    expect(meta['ünï']).toBe('çødé ✓');
    expect(await readManifest(path)).toEqual(manifest);
    const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    expect(session.inputNames).toEqual(['input']);
    await session.release();
  });

  test('setting an entry replaces it (no duplicates), keeps the others and the graph', async () => {
    const original = buildConvModel({ weights: [[2]], bias: [1], metadata: { a: '1', [MANIFEST_KEY]: '{"old":true}', b: '2' } });
    const updated = await setOnnxMetadataInBytes(original, { [MANIFEST_KEY]: JSON.stringify(testManifest({ id: 'new' })), c: '3' });
    expect(await readOnnxMetadataFromBytes(updated)).toEqual({ a: '1', b: '2', c: '3', [MANIFEST_KEY]: JSON.stringify(testManifest({ id: 'new' })) });
    let manifestEntries = 0;
    const r = new ProtoReader(updated);
    while (!r.done) {
      const { field, wireType } = r.header();
      if (field === 14) {
        const e = new ProtoReader(r.lengthDelimited());
        e.header();
        if (e.string() === MANIFEST_KEY) manifestEntries++;
      } else r.skip(wireType);
    }
    expect(manifestEntries).toBe(1);

    // The edited model computes what the original did: 2x + 1.
    const session = await ort.InferenceSession.create(updated, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from([0, 1, 2, 3]), [1, 1, 2, 2]) });
    expect(Array.from(out.output.data as Float32Array)).toEqual([1, 3, 5, 7]);
    await session.release();
  });

  test('embedManifest writes a copy into a store and leaves the source untouched', async () => {
    const foreign = writeConvModel(join(dir, 'foreign.onnx'), { weights: [[1]], bias: [0] });
    const before = readFileSync(foreign);
    const stored = join(dir, 'stored.onnx');
    await embedManifest(foreign, testManifest({ id: 'imported' }), stored);
    expect((await readManifest(stored)).id).toBe('imported');
    expect(readFileSync(foreign)).toEqual(before);
    await embedManifest(stored, testManifest({ id: 'imported', version: '2.0.0' }));
    expect((await readManifest(stored)).version).toBe('2.0.0');
    await expect(embedManifest(foreign, { ...testManifest(), output: undefined } as never, stored)).rejects.toThrow(/output/);
  });

  test('a model without a manifest is a UserError naming the fields to supply', async () => {
    const path = writeConvModel(join(dir, 'bare.onnx'), { weights: [[1]], bias: [0], metadata: { producer: 'x' } });
    const error = await readManifest(path).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/bare\.onnx has no MedSeg manifest/);
    for (const field of ['"id"', '"name"', '"version"', '"architecture"', '"input"', '"preprocessing"', '"output"']) {
      expect(error.message).toContain(field);
    }
  });

  test('an incomplete or malformed manifest and a non-ONNX file are UserErrors', async () => {
    const partial = writeConvModel(join(dir, 'partial.onnx'), {
      weights: [[1]], bias: [0], metadata: { [MANIFEST_KEY]: JSON.stringify({ ...testManifest(), input: { channels: 1 } }) },
    });
    await expect(readManifest(partial)).rejects.toThrow(/incomplete: "input.sizeMultiple"/);
    const broken = writeConvModel(join(dir, 'broken.onnx'), { weights: [[1]], bias: [0], metadata: { [MANIFEST_KEY]: '{nope' } });
    await expect(readManifest(broken)).rejects.toThrow(/not valid JSON/);
    const text = join(dir, 'notes.onnx');
    writeFileSync(text, 'this is not a protobuf at all, just some text that someone renamed');
    const error = await readManifest(text).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/notes\.onnx is not a valid ONNX model/);
    await expect(readManifest(join(dir, 'missing.onnx'))).rejects.toThrow(/not found/);
    await expect(writeOnnxMetadata(text, { a: 'b' })).rejects.toThrow(/notes\.onnx is not a valid ONNX model/);
  });

  test('a truncated file is reported, not misread', async () => {
    const bytes = buildConvModel({ weights: [[1]], bias: [0], manifest: testManifest() });
    const path = join(dir, 'truncated.onnx');
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    await expect(readManifest(path)).rejects.toBeInstanceOf(UserError);
  });
});
