// One rule for label lists, whether they come from a mask's sidecar file or a case record.
import { expect, test } from 'vitest';
import { labelListProblem } from '../../src/shared/labels';

const liver = { value: 1, name: 'liver', color: '#d95f02' };

test('a list of distinct 1–255 values with one-line names and #rrggbb colours passes', () => {
  expect(labelListProblem([liver, { value: 255, name: 'tumour 2', color: '#ABCDEF' }])).toBeNull();
  expect(labelListProblem([])).toBeNull();
});

test('the first problem is named with the entry it concerns', () => {
  expect(labelListProblem('liver')).toEqual({ index: -1, reason: 'it is not a list' });
  expect(labelListProblem([liver, null])).toEqual({ index: 1, reason: 'entry 2 is not a label' });
  expect(labelListProblem([{ ...liver, value: 0 }])).toEqual({ index: 0, reason: 'label 1 has value 0' });
  expect(labelListProblem([liver, { ...liver, value: 1.5 }])?.reason).toBe('label 2 has value 1.5');
  expect(labelListProblem([liver, liver])).toEqual({ index: 1, reason: 'value 1 is listed twice' });
  for (const name of ['', '  ', 'two\nlines', 'x'.repeat(201), 7]) {
    expect(labelListProblem([{ ...liver, name }])?.reason).toBe('label 1 has no usable name');
  }
  for (const color of ['red', '#fff', '#12345g', null]) {
    expect(labelListProblem([{ ...liver, color }])?.reason).toBe(`label 1 has colour ${String(color)}`);
  }
});
