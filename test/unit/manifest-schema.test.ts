// The manifest's rules live in two checkers (the engine's manifestProblems with its own wording, the
// trainer's JSON Schema check): these tests fail when the schema's JSON copy is stale, and
// training/tests/test_manifest_schema.py runs the same verdict list in Python.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { manifestProblems } from '../../src/shared/manifest';
import { manifestSchemaJson } from '../../src/shared/manifest-schema';

const committed = new URL('../../training/medseg_training/manifest.schema.json', import.meta.url);
const verdicts = JSON.parse(readFileSync(new URL('../fixtures/manifest-verdicts.json', import.meta.url), 'utf8'));

interface VerdictCase { base: string; set?: Record<string, unknown>; unset?: string[]; valid: boolean }

/** A case's manifest: its base with dotted paths set, then unset (the Python test does the same). */
function caseManifest(c: VerdictCase): unknown {
  const m = structuredClone(verdicts.bases[c.base]);
  const parentOf = (path: string) => {
    const keys = path.split('.');
    return { parent: keys.slice(0, -1).reduce((o, k) => o[k], m), key: keys[keys.length - 1] };
  };
  for (const [path, value] of Object.entries(c.set ?? {})) { const { parent, key } = parentOf(path); parent[key] = value; }
  for (const path of c.unset ?? []) { const { parent, key } = parentOf(path); delete parent[key]; }
  return m;
}

test('the committed manifest.schema.json is the one written from src/shared/manifest-schema.ts', () => {
  expect(readFileSync(committed, 'utf8'), 'run: npx tsx scripts/zoo/write-manifest-schema.ts').toBe(manifestSchemaJson());
});

test.each((verdicts.cases as VerdictCase[]).map((c) => ({ ...c, name: JSON.stringify({ ...c, valid: undefined }) })))('manifestProblems gives the shared verdict: $name', (c) => {
  const problems = manifestProblems(caseManifest(c));
  expect(problems.length === 0 ? 'valid' : `invalid (${problems.join('; ')})`).toMatch(c.valid ? /^valid$/ : /^invalid/);
});
