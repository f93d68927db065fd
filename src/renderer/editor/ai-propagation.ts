// AI propagation: carries the active label of one axial slice to its neighbours with the click-guided
// model, each slice seeded by the answer for the one before (as its previous mask, no clicks), up and
// down until the structure ends, i.e. until the model finds less than a sliver of it. All of it is one
// undo entry, marked AI-interactive like every AI-clicks answer.
import { Provenance } from '../../shared/provenance';
import { axialSliceLabels, writeAxialSlice } from './axial-slice-labels';
import type { LabelmapHistory } from './history';
import type { Labelmap } from './labelmap';
import type { SliceRefiner } from './tools/tool-types';

export interface PropagationResult {
  /** Slices written, in the order they were reached. */
  slices: number[];
  /** Why it stopped: the structure ended on both sides, or a request failed (the refiner said why). */
  stopped: 'ended' | 'failed';
}

/** A slice holding less than this share of its seed's voxels (or under 5 voxels) ends the structure. */
export const END_FRACTION = 0.02;

const count = (labels: Uint8Array, label: number) => labels.reduce((n, v) => n + (v === label ? 1 : 0), 0);

/** The slice with its own voxels of `label` replaced by the seed's: the previous mask the model refines. */
function seeded(current: Uint8Array, seed: Uint8Array, label: number): Uint8Array {
  const out = current.slice();
  for (let p = 0; p < out.length; p++) {
    if (out[p] === label && seed[p] !== label) out[p] = 0;
    else if (seed[p] === label && out[p] === 0) out[p] = label;
  }
  return out;
}

export async function propagateSlice(
  labelmap: Labelmap, history: LabelmapHistory, refiner: SliceRefiner, k: number, label: number, gesture = 'AI propagate',
  onSlice: (k: number) => void = () => {},
): Promise<PropagationResult> {
  const start = axialSliceLabels(labelmap, k);
  const seedVoxels = count(start, label);
  if (seedVoxels === 0) throw new Error('Nothing to propagate: this slice holds none of the active label.');
  const answers = new Map<number, Uint8Array>();
  let stopped: PropagationResult['stopped'] = 'ended';
  for (const step of [1, -1]) {
    let seed = start;
    for (let n = k + step; n >= 0 && n < labelmap.size[2]; n += step) {
      const answer = await refiner.refine({ k: n, clicks: [], mask: seeded(axialSliceLabels(labelmap, n), seed, label), label });
      if (!answer) { stopped = 'failed'; break; }
      if (count(answer, label) < Math.max(5, END_FRACTION * seedVoxels)) break;
      answers.set(n, answer);
      onSlice(n);
      seed = answer;
    }
    if (stopped === 'failed') break;
  }
  history.transaction(gesture, () => {
    for (const [n, answer] of answers) writeAxialSlice(labelmap, n, answer, Provenance.Interactive);
  });
  return { slices: [...answers.keys()], stopped };
}
