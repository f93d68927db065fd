// Writes the manifest's JSON Schema (src/shared/manifest-schema.ts, the one source) to
// training/medseg_training/manifest.schema.json, where the trainer's export checks against it:
//   npx tsx scripts/zoo/write-manifest-schema.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { manifestSchemaJson } from '../../src/shared/manifest-schema';

writeFileSync(fileURLToPath(new URL('../../training/medseg_training/manifest.schema.json', import.meta.url)), manifestSchemaJson());
