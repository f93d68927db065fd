// A foreign model's manifest from what its ONNX graph says plus what only the user can tell: the
// graph gives the input channels and a fixed height/width; the file name gives the id; version
// defaults to 1.0.0. What no file can tell (preprocessing, output activation, labels) is asked for by
// name, and a manifest that contradicts the graph is refused before any test run.
import { basename } from 'node:path';
import type { ManifestDraft } from '../../shared/api';
import type { ModelManifest } from '../../shared/manifest';
import { UserError } from '../../shared/errors';
import type { GraphInput } from '../inference/onnx-graph-input';

/** What the user must give, as the refusal lists it. */
const ASKED: Record<string, string> = {
  'preprocessing.scale': '"preprocessing.scale" (e.g. 1, or 0.00392 for 8-bit images)',
  'preprocessing.mean': '"preprocessing.mean" (one per channel, or one for all)',
  'preprocessing.std': '"preprocessing.std" (one per channel, or one for all)',
  'output.activation': '"output.activation" (sigmoid, softmax, or none when the graph ends in one)',
  'output.labels': '"output.labels" ([{"value": 1, "name": "…", "color": "#rrggbb"}, …])',
};

function positive(d: number | string | null | undefined): d is number {
  return typeof d === 'number' && d > 0;
}

/** What the graph says about the input, in words ("3 channels, 256×256 fixed"). */
function graphSays(graph: GraphInput): string {
  const [, c, h, w] = graph.dims;
  const channels = positive(c) ? `${c} input channel(s)` : `a symbolic channel dimension (${c ?? '?'})`;
  const size = positive(h) && positive(w) ? `a fixed ${h}×${w} input` : `any input size (${h ?? '?'}×${w ?? '?'})`;
  return `${channels}, ${size}`;
}

function idFrom(file: string): string {
  const stem = basename(file).replace(/\.onnx$/i, '').replace(/[^\w.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return stem || 'imported-model';
}

function perChannel(values: number[] | undefined, channels: number): number[] | undefined {
  return values && values.length === 1 && channels > 1 ? Array(channels).fill(values[0]) : values;
}

/** The manifest fields that neither the graph nor the draft gives (empty: complete). */
function missingFromDraft(draft: ManifestDraft, graph: GraphInput): string[] {
  const missing: string[] = [];
  if (!positive(graph.dims[1]) && draft.input?.channels === undefined) missing.push(`"input.channels" (the graph's channel dimension is "${graph.dims[1] ?? '?'}")`);
  for (const key of ['scale', 'mean', 'std'] as const) if (draft.preprocessing?.[key] === undefined) missing.push(ASKED[`preprocessing.${key}`]);
  if (draft.output?.activation === undefined) missing.push(ASKED['output.activation']);
  if (draft.output?.labels === undefined) missing.push(ASKED['output.labels']);
  return missing;
}

/** The refusal for a model with no manifest at all: exactly what to put in one. */
export function manifestRequest(file: string, graph: GraphInput): string {
  return `${basename(file)} has no MedSeg manifest. Give one with --manifest m.json holding what the file cannot tell: ` +
    `${missingFromDraft({}, graph).join(', ')}; the graph already gives ${graphSays(graph)}, and id, name and version (1.0.0) default from the file.`;
}

export type CompletedManifest = Omit<ModelManifest, 'input'> & { input: Omit<ModelManifest['input'], 'sizeMultiple'> & { sizeMultiple?: number } };

/** Checks the draft against the graph and fills the rest; sizeMultiple stays undefined when only a test run can tell it. */
export function completeManifest(file: string, draft: ManifestDraft, graph: GraphInput): CompletedManifest {
  if (graph.dims.length !== 4) throw new UserError(`${basename(file)} takes a ${graph.dims.length}-dimensional input; MedSeg models take NCHW (4 dimensions).`);
  const missing = missingFromDraft(draft, graph);
  if (missing.length) throw new UserError(`The manifest lacks what ${basename(file)} cannot tell: ${missing.join(', ')}. The graph already gives ${graphSays(graph)}.`);
  const [, c, h, w] = graph.dims;
  const given = draft.input ?? {};
  if (positive(c) && given.channels !== undefined && given.channels !== c) {
    throw new UserError(`The graph of ${basename(file)} takes ${c} input channel(s) but the manifest says ${given.channels}: fix "input.channels", or leave it out.`);
  }
  const fixed = positive(h) && positive(w);
  if (fixed && ((given.height !== undefined && given.height !== h) || (given.width !== undefined && given.width !== w))) {
    throw new UserError(`The graph of ${basename(file)} takes ${h}×${w} input but the manifest says ${given.height ?? '?'}×${given.width ?? '?'}: fix "input.height"/"input.width", or leave them out.`);
  }
  const channels = positive(c) ? c : given.channels!;
  const id = draft.id ?? idFrom(file);
  const pre = draft.preprocessing!;
  const out = draft.output!;
  return {
    ...draft,
    id, name: draft.name ?? id, version: draft.version ?? '1.0.0',
    architecture: draft.architecture ?? 'imported ONNX', task: draft.task ?? 'segmentation', modality: draft.modality ?? 'any',
    input: {
      channels, layout: 'NCHW',
      ...(fixed ? { height: h, width: w } : given.height !== undefined || given.width !== undefined ? { height: given.height, width: given.width } : {}),
      // A fixed-size graph is resized to; its multiple is irrelevant.
      ...(fixed ? { sizeMultiple: 1 } : given.sizeMultiple !== undefined ? { sizeMultiple: given.sizeMultiple } : {}),
    },
    preprocessing: { ...pre, scale: pre.scale!, mean: perChannel(pre.mean, channels)!, std: perChannel(pre.std, channels)! },
    output: { ...out, activation: out.activation!, threshold: out.threshold ?? 0.5, labels: out.labels! },
  };
}
