// Malformed calls to the real browser-mode engine (issue 10, items 5 and 8): every one answers
// 400 with what was expected, never 500, and none reaches the engine. A table, so a new kind of
// mistake is one line.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closeImageIo } from '../../src/core/io';
import { UPLOAD_LIMITS } from '../../src/shared/call-checks';
import { SAMPLE_MANIFEST } from '../fixtures/call-samples';
import { startBrowserMode, type BrowserMode } from '../fixtures/browser-mode';

let mode: BrowserMode;
beforeAll(async () => { mode = await startBrowserMode(); });
afterAll(async () => {
  await mode.server.close();
  await closeImageIo();
});

const envelope = (header: string, body: string) => {
  const [h, b] = [Buffer.from(header), Buffer.from(body)];
  const out = Buffer.concat([Buffer.alloc(8), h, b]);
  out.writeUInt32LE(h.length, 0);
  out.writeUInt32LE(b.length, 4);
  return new Uint8Array(out);
};
const bytes = new Uint8Array(4);
const file = (name: string, data = new Uint8Array(3)) => ({ name, bytes: data });

/** [what, method, arguments (or raw bytes), what the answer must say]. */
const MALFORMED: [string, string, unknown[] | Uint8Array, RegExp][] = [
  ['an empty body', 'listModels', new Uint8Array(0), /shorter than its 8-byte length prefix/],
  ['a 3-byte body', 'listModels', new Uint8Array(3), /shorter than/],
  ['lengths beyond the body', 'listModels', envelope('{"blobs":[]}', '[]').map((v, i) => (i === 1 ? 9 : v)), /bytes of JSON/],
  ['a header that is not JSON', 'listModels', envelope('{x', '[]'), /header is not JSON/],
  ['a header without blobs', 'listModels', envelope('{"blob":[]}', '[]'), /byte lengths/],
  ['a body that is not JSON', 'listModels', envelope('{"blobs":[]}', '[1,'), /body is not JSON/],
  ['a blob longer than the message', 'saveCase', envelope('{"blobs":[67108864]}', '[{"$binary":0,"type":"Uint8Array"}]'), /declares \d+ bytes in all/],
  ['a reference to no blob', 'saveCase', envelope('{"blobs":[]}', '[{"$binary":0,"type":"Uint8Array"}]'), /refers to blob 0 of 0/],
  ['arguments that are not a list', 'listModels', envelope('{"blobs":[]}', '{"a":1}'), /arguments must be an array/],
  ['too many arguments', 'listModels', [1], /takes 0 argument\(s\), got 1/],
  ['too few arguments', 'openCase', [], /takes 1 argument\(s\), got 0/],
  ['a number for a path', 'imageInfo', [5], /must be a file or folder path .*not the number 5/],
  ['an empty path', 'openCase', [{ path: '' }], /must be a file or folder path/],
  ['a path with NUL', 'openCase', [{ path: '/data/a\u0000b' }], /must be a file or folder path/],
  ['bytes for a path', 'openCase', [{ path: new Uint8Array([47, 101, 116, 99]) }], /not a Uint8Array/],
  ['a string for a request', 'segment', ['x'], /must be a request \{input, model, out, device\?, allowOtherModality\?\}/],
  ['a list for a request', 'segment', [[1]], /must be a request/],
  ['null for a request', 'segment', [null], /must be a request .*not null/],
  ['an unknown field', 'segment', [{ input: '/a', model: 'm', out: '/b', extra: 1 }], /unexpected field\(s\) extra/],
  ['a missing field', 'segment', [{ input: '/a', model: 'm' }], /"out" is missing/],
  ['bytes for a path field', 'importModel', [{ file: bytes }], /"file" must be a file or folder path/],
  ['a list for a path field', 'segment', [{ input: ['/a'], model: 'm', out: '/b' }], /"input" must be a file or folder path/],
  ['an unknown device', 'segment', [{ input: '/a', model: 'm', out: '/b', device: 'gpu' }], /"device" must be auto, cpu, cuda/],
  ['one path for a list of inputs', 'segmentBatch', [{ inputs: '/a', model: 'm', outDir: '/o' }], /"inputs" must be a list of 1–\d+ file or folder paths/],
  ['numbers as inputs', 'segmentBatch', [{ inputs: [1, 2], model: 'm', outDir: '/o' }], /"inputs" must be a list/],
  ['a fractional label', 'evaluate', [{ pred: '/a', truth: '/b', label: 3.5 }], /"label" must be an integer label value 0–255/],
  ['a label over 255', 'evaluate', [{ pred: '/a', truth: '/b', truthLabel: 300 }], /"truthLabel" must be an integer label value/],
  ['a string for a flag', 'evaluate', [{ pred: '/a', truth: '/b', voxelOrder: 'yes' }], /"voxelOrder" must be true or false/],
  ['a manifest holding bytes', 'importModel', [{ file: '/m.onnx', manifest: { id: 'x', input: new Uint8Array(2) } }], /"manifest" must be a model manifest \(a JSON object\)/],
  ['a manifest that is a string', 'importModel', [{ file: '/m.onnx', manifest: 'x' }], /"manifest" must be a model manifest/],
  ['a model ref with a path in it', 'setCurrentVersion', ['unet-liver-ct@../../../workspace/uploads/x/fake'], /is not a version/],
  ['a model ref with two @', 'modelVersions', ['a@b@c'], /more than one '@'/],
  ['a model ref that is a path', 'segment', [{ input: '/a', model: '/models/x.onnx', out: '/b' }], /"model" must be a model id or id@version/],
  ['a number for a case id', 'segmentCase', [{ caseId: 7, model: 'm' }], /"caseId" must be a case id/],
  ['slices as text', 'segmentCase', [{ caseId: '0123456789abcdef', model: 'm', slices: 'abc' }], /"slices" must be a slice index/],
  ['a reversed slice range', 'segmentCase', [{ caseId: '0123456789abcdef', model: 'm', slices: [5, 2] }], /"slices" must be a slice index k, or \[from, to\)/],
  ['a negative slice', 'segmentCase', [{ caseId: '0123456789abcdef', model: 'm', slices: -1 }], /"slices" must be/],
  ['text for a labelmap', 'saveCase', [{ caseId: '0123456789abcdef', labelmap: 'x', provenance: bytes, labels: [] }], /"labelmap" must be bytes/],
  ['an Int16Array for a labelmap', 'exportMask', [{ caseId: '0123456789abcdef', labelmap: new Int16Array(2), out: '/b' }], /"labelmap" must be bytes .*Int16Array/],
  ['labels that are not a list', 'saveCase', [{ caseId: '0123456789abcdef', labelmap: bytes, provenance: bytes, labels: 'not-a-list' }], /"labels" must be a list of labels/],
  ['a label without a value', 'saveCase', [{ caseId: '0123456789abcdef', labelmap: bytes, provenance: bytes, labels: [{ name: 'a', color: '#fff' }] }], /label 1's value must be an integer/],
  ['a number for proposedBy', 'saveCase', [{ caseId: '0123456789abcdef', labelmap: bytes, provenance: bytes, labels: [], proposedBy: 5 }], /"proposedBy" must be a model id@version, or null/],
  ['text for a flag', 'reviewCase', [{ caseId: '0123456789abcdef', reviewed: 'true' }], /"reviewed" must be true or false/],
  ['an unknown split', 'reviewCase', [{ caseId: '0123456789abcdef', reviewed: true, split: 'test' }], /"split" must be train or validation/],
  ['negative epochs', 'startFinetune', [{ model: 'm', epochs: -1 }], /"epochs" must be a whole number of epochs/],
  ['text for a learning rate', 'startFinetune', [{ model: 'm', learningRate: 'fast' }], /"learningRate" must be a learning rate/],
  ['a number for a job id', 'cancelJob', [7], /must be a job id/],
  ['an object for a model ref', 'evaluateVersions', [{}], /must be a model id or id@version/],
  ['a click off the grid', 'refineSlice', [{ caseId: '0123456789abcdef', model: 'm', k: 0, clicks: [{ i: -1, j: 2, positive: true }] }], /click 1 must be \{i, j: voxel indices/],
  ['a click with extra fields', 'refineSlice', [{ caseId: '0123456789abcdef', model: 'm', k: 0, clicks: [{ i: 1, j: 2, positive: true, path: '/etc' }] }], /click 1: unexpected field\(s\) path/],
  ['a fractional slice', 'refineSlice', [{ caseId: '0123456789abcdef', model: 'm', k: 1.5, clicks: [] }], /"k" must be a slice index/],
  ['files that are not a list', 'openUploadedCase', [{ name: 'a', bytes }], /must be a list of files/],
  ['no files', 'openUploadedCase', [[]], /no files were given/],
];

const UPLOAD_NAMES: [string, string, RegExp][] = [
  ['NUL', 'a\u0000b.png', /control character/],
  ['over 255 bytes', `${'a'.repeat(256)}.png`, /longer than 255 bytes/],
  ['a multi-byte name over 255 bytes', `${'é'.repeat(128)}.png`, /longer than 255 bytes/],
  ['..', '../escape.png', /has a "\.\." folder in it/],
  ['.. inside', 'series/../../escape.png', /has a "\.\." folder in it/],
  ['an absolute path', '/etc/passwd', /absolute path/],
  ['a backslash', '..\\escape.png', /contains '\\'/],
  ['an empty folder name', 'series//IM1', /has a "" folder in it/],
  ['an empty name', '', /it is empty/],
];

test.each(MALFORMED)('%s answers 400 with what was expected', async (_what, method, args, expected) => {
  const answer = await mode.call(method, args);
  expect(answer.status).toBe(400);
  expect(answer.ok).toBe(false);
  expect(answer.error).toMatch(expected);
});

test.each(UPLOAD_NAMES)('an upload named with %s answers 400 and writes nothing', async (_what, name, expected) => {
  const answer = await mode.call('openUploadedCase', [[file(name)]]);
  expect(answer.status).toBe(400);
  expect(answer.error).toMatch(/file 1's name .* is refused/);
  expect(answer.error).toMatch(expected);
  expect(existsSync(join(mode.home, 'workspace', 'uploads'))).toBe(false);
});

test('uploads are bounded in count and refuse duplicate names', async () => {
  const many = Array.from({ length: UPLOAD_LIMITS.files + 1 }, (_, i) => file(`series/IM${i}`, new Uint8Array(0)));
  const tooMany = await mode.call('openUploadedCase', [many]);
  expect(tooMany.status).toBe(400);
  expect(tooMany.error).toMatch(new RegExp(`${UPLOAD_LIMITS.files + 1} files is more than ${UPLOAD_LIMITS.files}`));
  const twice = await mode.call('openUploadedCase', [[file('a.png'), file('a.png')]]);
  expect(twice.error).toMatch(/two files are named "a.png"/);
  expect(existsSync(join(mode.home, 'workspace', 'uploads'))).toBe(false);
});

test('the engine is still there after all of it', async () => {
  const models = await mode.call('listModels', []);
  expect(models.status).toBe(200);
  expect(models.value.length).toBeGreaterThan(0);
  expect(MALFORMED.length + UPLOAD_NAMES.length).toBeGreaterThanOrEqual(41);
  const valid = await mode.call('importModel', [{ file: join(mode.root, 'none.onnx'), manifest: SAMPLE_MANIFEST }]);
  expect(valid.status).toBe(200); // well-formed: the engine answers (no such file), not the host
  expect(valid.error).toMatch(/No such model file/);
});
