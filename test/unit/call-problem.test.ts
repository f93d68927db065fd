// What hosts refuse before a page's call reaches the engine (Electron IPC, browser-mode HTTP).
import { expect, test } from 'vitest';
import { callProblem, STUDIO_METHODS } from '../../src/shared/api';

test('well-formed calls pass', () => {
  expect(callProblem('imageInfo', ['/data/ct.nii.gz'])).toBeNull();
  expect(callProblem('listModels', [])).toBeNull();
  expect(callProblem('saveCase', [{ caseId: 'abc', labelmap: new Uint8Array(4), provenance: new Uint8Array(4), labels: [] }])).toBeNull();
  expect(callProblem('openUploadedCase', [[{ name: 'a.png', bytes: new Uint8Array(3) }]])).toBeNull();
});

test('unknown methods, wrong counts and wrong shapes are refused', () => {
  expect(callProblem('constructor', [])).toBe('no such method: constructor');
  expect(callProblem('__proto__', [])).toBe('no such method: __proto__');
  expect(callProblem('imageInfo', [])).toBe('imageInfo takes 1 argument(s), got 0');
  expect(callProblem('imageInfo', [{ path: '/x' }])).toBe('argument 1 of imageInfo must be a string');
  expect(callProblem('segment', ['/x'])).toBe('argument 1 of segment must be a plain request object');
  expect(callProblem('openUploadedCase', [[{ name: 'a.png', bytes: 'not bytes' }]])).toBe('argument 1 of openUploadedCase must be a list of {name, bytes}');
  // Class instances and functions are not plain data, however they got there.
  expect(callProblem('segment', [{ input: new Date() }])).toMatch(/plain request object/);
  expect(callProblem('segment', [{ input: () => 1 }])).toMatch(/plain request object/);
});

test('every contract method has an argument list', () => {
  expect(STUDIO_METHODS).toContain('startFinetune');
  for (const m of STUDIO_METHODS) expect(callProblem(m, [])).not.toBe(`no such method: ${m}`);
});
