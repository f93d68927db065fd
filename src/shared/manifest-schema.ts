// The manifest's structural rules, written once as a JSON Schema. The engine words its own
// problems (manifest.ts, manifestProblems); the trainer checks exports against the JSON copy,
// training/medseg_training/manifest.schema.json, written from this object by
// `npx tsx scripts/zoo/write-manifest-schema.ts`. test/unit/manifest-schema.test.ts fails when the
// copy is stale, and both sides must give test/fixtures/manifest-verdicts.json's verdicts.
// Keywords used (manifest_schema.py implements exactly these): type, required, properties, enum,
// minimum, maximum, exclusiveMinimum, minLength, minItems, uniqueItems, items.
// Rules across fields (one mean/std per channel; a click-guided model's prompts and size) stay code.
import { CLICK_ENCODING, INTERACTION_PROMPTS, MODEL_ORIENTATIONS, TEST_TIME_FLIPS } from './manifest';

export interface Schema {
  type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  required?: string[];
  properties?: Record<string, Schema>;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  uniqueItems?: boolean;
  items?: Schema;
}

const text: Schema = { type: 'string', minLength: 1 };
const positiveInteger: Schema = { type: 'integer', minimum: 1 };
const number: Schema = { type: 'number' };
const someOf = (values: readonly string[], minItems = 0): Schema =>
  ({ type: 'array', ...(minItems ? { minItems } : {}), uniqueItems: true, items: { type: 'string', enum: values } });

const MANIFEST_SCHEMA: Schema & { $schema: string; title: string } = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'MedSeg Studio model manifest (ONNX metadata_props "medseg.manifest")',
  type: 'object',
  required: ['id', 'name', 'version', 'architecture', 'input', 'preprocessing', 'output'],
  properties: {
    id: text, name: text, version: text, architecture: text,
    input: {
      type: 'object', required: ['channels', 'sizeMultiple'],
      properties: {
        channels: positiveInteger, sizeMultiple: positiveInteger, height: positiveInteger, width: positiveInteger,
        layout: { enum: ['NCHW'] },
        adjacentSlices: { type: 'integer', minimum: 0 },
        orientation: { enum: MODEL_ORIENTATIONS },
      },
    },
    preprocessing: {
      type: 'object', required: ['scale', 'mean', 'std'],
      properties: { scale: number, mean: { type: 'array' }, std: { type: 'array' } },
    },
    output: {
      type: 'object', required: ['activation', 'threshold', 'labels'],
      properties: {
        activation: { enum: ['sigmoid', 'softmax', 'none'] },
        threshold: number,
        labels: { type: 'array', minItems: 1 },
        testTimeFlips: someOf(TEST_TIME_FLIPS),
      },
    },
    interaction: {
      type: 'object', required: ['encoding', 'prompts', 'clicks', 'focus'],
      properties: {
        encoding: { enum: [CLICK_ENCODING] },
        prompts: someOf(INTERACTION_PROMPTS, 1),
        clicks: { type: 'object', required: ['kind', 'radius'], properties: { kind: { enum: ['disk'] }, radius: { type: 'number', exclusiveMinimum: 0 } } },
        focus: {
          type: 'object', required: ['expand', 'minFraction'],
          properties: { expand: { type: 'number', minimum: 1 }, minFraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
        },
      },
    },
  },
};

/** The committed JSON copy's exact text. */
export const manifestSchemaJson = (): string => JSON.stringify(MANIFEST_SCHEMA, null, 2) + '\n';
