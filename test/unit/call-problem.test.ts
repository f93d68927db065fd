// What hosts refuse before a page's call reaches the engine (Electron IPC, browser-mode HTTP):
// derived from the contract's declarations, each refusal saying what was expected.
import { expect, test } from 'vitest';
import { STUDIO_METHODS, type ValueKinds } from '../../src/shared/api';
import { callProblem, mapDeclaredValues } from '../../src/shared/call-checks';
import type { DeclarationsOf } from '../../src/shared/declarations';
import { sampleArguments } from '../fixtures/call-samples';

test('a well-formed call of every method passes, optional fields left out or not', () => {
  for (const method of STUDIO_METHODS) expect(callProblem(method, sampleArguments(method)), method).toBeNull();
  expect(callProblem('segment', [{ input: '/x.nii.gz', model: 'm', out: '/y.nii.gz' }])).toBeNull();
  expect(callProblem('saveCase', [{ caseId: 'abc', labelmap: new Uint8Array(4), provenance: new Uint8Array(4), labels: [] }])).toBeNull();
});

test('unknown methods, wrong counts and wrong shapes are refused with what was expected', () => {
  expect(callProblem('constructor', [])).toBe('no such method: constructor');
  expect(callProblem('__proto__', [])).toBe('no such method: __proto__');
  expect(callProblem('imageInfo', [])).toBe('imageInfo takes 1 argument(s), got 0');
  expect(callProblem('imageInfo', [{ path: '/x' }])).toBe('argument 1 of imageInfo must be a file or folder path (a non-empty string), not an object');
  expect(callProblem('segment', ['/x'])).toBe('argument 1 of segment must be a request {input, model, out, device?, allowOtherModality?}, not the string "/x"');
  expect(callProblem('segment', [{ input: '/x', model: 'm', out: '/y', outt: '/z' }])).toBe('argument 1 of segment has unexpected field(s) outt; a request is {input, model, out, device?, allowOtherModality?}');
  expect(callProblem('segment', [{ model: 'm', out: '/y' }])).toBe('segment: "input" is missing (a file or folder path (a non-empty string))');
  expect(callProblem('importModel', [{ file: new Uint8Array([47, 101, 116, 99]) }])).toBe('importModel: "file" must be a file or folder path (a non-empty string), not a Uint8Array');
  expect(callProblem('openUploadedCase', [[{ name: 'a.png', bytes: 'not bytes' }]])).toBe('argument 1 of openUploadedCase must be a list of files {name, bytes}: file 1 is not {name, bytes}');
  // Class instances and functions are not plain data, however they got there.
  expect(callProblem('segment', [{ input: new Date(), model: 'm', out: '/y' }])).toMatch(/"input" must be a file or folder path/);
  expect(callProblem('importModel', [{ file: '/m.onnx', manifest: { ...sampleArguments('importModel')[0] as object, when: new Date() } }])).toMatch(/"manifest" must be a model manifest/);
});

test('the path guard walks exactly the declared values', async () => {
  const seen: string[] = [];
  const args = await mapDeclaredValues('segment', [{ input: '/in', model: 'm', out: '/out' }], async (kind, value) => {
    seen.push(`${kind}=${String(value)}`);
    return kind === 'writePath' ? '/real/out' : value;
  });
  expect(seen.sort()).toEqual(['modelRef=m', 'readPath=/in', 'writePath=/out']);
  expect(args).toEqual([{ input: '/in', model: 'm', out: '/real/out' }]);
});

// The declarations are checked against the request types by the compiler (`npm test` type-checks
// this file): a field left undeclared, or a path declared as something else, does not compile.
interface ExampleApi { exportThing(request: { caseId: string; out: string; label?: number }): Promise<void> }
test('a request field without a declaration of its type is a compile error', () => {
  const declared = { exportThing: [{ caseId: 'caseId', out: 'writePath', label: 'labelValue?' }] } as const satisfies DeclarationsOf<ExampleApi, ValueKinds>;
  // @ts-expect-error "out" (a new path field) is not declared
  const undeclared = { exportThing: [{ caseId: 'caseId', label: 'labelValue?' }] } as const satisfies DeclarationsOf<ExampleApi, ValueKinds>;
  // @ts-expect-error a path declared as a number
  const wrongKind = { exportThing: [{ caseId: 'caseId', out: 'labelValue', label: 'labelValue?' }] } as const satisfies DeclarationsOf<ExampleApi, ValueKinds>;
  // @ts-expect-error an optional field declared as required
  const notOptional = { exportThing: [{ caseId: 'caseId', out: 'writePath', label: 'labelValue' }] } as const satisfies DeclarationsOf<ExampleApi, ValueKinds>;
  expect([declared, undeclared, wrongKind, notOptional].every((d) => d.exportThing.length === 1)).toBe(true);
});

// A request of optional fields only is assignable both ways to the manifest draft (all optional
// too): it must still be declared field by field, not read as a 'manifest'.
interface OptionalApi { listThings(request: { caseId?: string; modality?: string }): Promise<void> }
test('a request of optional fields only is declared field by field', () => {
  const declared = { listThings: [{ caseId: 'caseId?', modality: 'text?' }] } as const satisfies DeclarationsOf<OptionalApi, ValueKinds>;
  // @ts-expect-error such a request is not a manifest
  const asManifest = { listThings: ['manifest'] } as const satisfies DeclarationsOf<OptionalApi, ValueKinds>;
  expect([declared, asManifest].every((d) => d.listThings.length === 1)).toBe(true);
  expect(callProblem('modelsFor', [{}])).toBeNull();
  expect(callProblem('modelsFor', [{ modality: 'CT', caseId: '../x' }])).toMatch(/"caseId" must be a case id/);
});

test('a series is named by its DICOM UID, nothing else', () => {
  expect(callProblem('openCase', [{ path: '/data/series', seriesUid: '1.2.840.113619.2.55.3' }])).toBeNull();
  expect(callProblem('openCase', [{ path: '/data/series', seriesUid: '1.2 3' }])).toMatch(/"seriesUid" must be a DICOM series UID/);
  expect(callProblem('openCase', [{ path: '/data/series', seriesUid: '1'.repeat(65) }])).toMatch(/"seriesUid" must be a DICOM series UID/);
  expect(callProblem('listSeries', [''])).toMatch(/must be a file or folder path/);
});
