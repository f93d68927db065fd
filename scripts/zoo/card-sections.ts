// The parts every model card shares (segmentation and click-guided cards alike).
import { spawnSync } from 'node:child_process';
import type { ModelManifest } from '../../src/shared/manifest';
import { findPythonRuntime } from '../../src/core/training/python-runtime';
import { DATA_LICENCES } from './datasets';

/** The architecture's own description (its nets/ module docstring), including what we chose where the paper is silent. */
export function architectureNotes(arch: string): string {
  const python = findPythonRuntime();
  if (!python) return '';
  const r = spawnSync(python.python, ['-c', `import importlib; from medseg_training.registry import model_spec
print(importlib.import_module(model_spec(${JSON.stringify(arch)}).network.__module__).__doc__ or "")`], { env: python.env, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

export const licenceOf = (ref: string) => DATA_LICENCES[ref.split(':')[0]] ?? 'see ../shared/data/README.md';

/** How the learning rate ran (the manifest's `training`): a cosine over the budget, or held until a plateau; and whether the weights are an average. */
export function optimiserText(t: Record<string, unknown>): string {
  const schedule = t.patience ? `held, cut ×0.3 half-way through a stale stretch, stopped after ${t.patience} validations without gain` : 'cosine';
  const average = t.weightAverage ? `; the weights are an exponential moving average over training steps (decay ${t.weightAverage})` : '';
  return `learning rate ${t.lr} (AdamW, ${schedule})${average}`;
}

/** "## Input and preprocessing": what the engine feeds the network and does with its output. */
export function inputSection(m: ModelManifest): string {
  const p = m.preprocessing;
  const size = m.input.height ? `${m.input.width} × ${m.input.height} (slices are resized to it and the mask resized back)` : `any multiple of ${m.input.sizeMultiple}`;
  const pre = [p.window ? `CT window centre ${p.window.center} / width ${p.window.width} HU → [0, 1]` : null,
    p.scale !== 1 ? `× ${p.scale}` : null, `(x − ${p.mean.join(', ')}) / ${p.std.join(', ')}`].filter(Boolean).join(', then ');
  const post = [m.output.largestComponent ? 'largest 3D connected component' : null, m.output.fillHoles ? 'holes filled per slice' : null].filter(Boolean).join(', ') || 'none';
  return `## Input and preprocessing

- Input: ${m.input.channels} channel(s), ${size}; layout ${m.input.layout}.
- Preprocessing: ${pre}.
- Output: ${m.output.activation} → threshold ${m.output.threshold}; post-processing: ${post}.
- Labels: ${m.output.labels.map((l) => `${l.value} = ${l.name}`).join(', ')}.
`;
}
