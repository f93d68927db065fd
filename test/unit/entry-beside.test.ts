// Workers are found beside the module that starts them: the bundle's .js, else the .ts source.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { entryBeside } from '../../src/core/paths';

test('a built entry beside the caller is preferred to its source, which is the fallback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medseg-entry-'));
  const caller = pathToFileURL(join(dir, 'index.js')).href;
  expect(entryBeside(caller, 'io-worker').href).toBe(pathToFileURL(join(dir, 'io-worker.ts')).href);
  writeFileSync(join(dir, 'io-worker.js'), '');
  expect(entryBeside(caller, 'io-worker').href).toBe(pathToFileURL(join(dir, 'io-worker.js')).href);
});
