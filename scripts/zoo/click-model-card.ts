// The card of a click-guided model (recipe `interactive`): measured by the clicks it needs under the
// standard protocol (eval/interactive-noc.ts, the same run as `npm run eval`), not by a whole-case Dice.
import type { ModelManifest } from '../../src/shared/manifest';
import type { nocOn } from '../eval/interactive-noc';
import { architectureNotes, inputSection, licenceOf, optimiserText } from './card-sections';
import { trainerOption, type Recipe } from './recipes';

export type NocResult = Awaited<ReturnType<typeof nocOn>>;

/** What the manifest reports as the model's quality: the first reported split's NoC. */
export const clickMetrics = (r: NocResult) => ({ nocAt85: r.nocAt85, nocAt90: r.nocAt90, iouAfter1: r.iouAfter1 });

export function clickCard(recipe: Recipe, m: ModelManifest, results: NocResult[], onnxBytes: number): string {
  const t = (m.training ?? {}) as Record<string, unknown>;
  const inter = m.interaction!;
  const selection = t.selectionMetrics as Record<string, number> | undefined;
  const rows = results.map((r) => `| ${r.dataset} | ${r.slices} | ${r.nocAt85} | ${r.nocAt90} | ${r.failedAt85} | ${r.iouAfter1} | ${r.iouAfter3} | ${r.engineMsPerClick} |`);
  return `# ${m.name} — \`${m.id}\` ${m.version}

${m.task} · ${m.modality} · architecture \`${m.architecture}\` (${JSON.stringify(recipe.modelKwargs)}) · click-guided (\`${inter.encoding}\`) · ONNX ${(onnxBytes / 1e6).toFixed(1)} MB, manifest embedded, BatchNorm folded.

## Measured (our own eval: \`npm run eval -- --model ${m.id} --no-finetune\`)

| data | slices | NoC@85 | NoC@90 | not at 85% after 20 clicks | IoU after 1 click | IoU after 3 clicks | ms / click (engine, CPU) |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Standard protocol on every slice that holds the structure: start from an empty mask; each click at the point of the
largest error region farthest from its border (missed → positive, extra → negative); NoC@τ = clicks until IoU ≥ τ,
20 when never. Each click is answered by \`refineSlice\`, as the editor's AI-clicks tool asks for it.
${selection?.nocAt85 !== undefined
    ? `Model selection during training: NoC@85 ${selection.nocAt85}, NoC@90 ${selection.nocAt90} (PyTorch, same protocol) on ${recipe.val}.`
    : 'No model selection: the weights are the last epoch\'s, not validated during training.'}

## Prompts

- ${inter.prompts.join(', ')}; clicks as disks of radius ${inter.clicks.radius} network pixels.
- Focus box: the whole slice while the mask is empty, then the bounding box of the mask and the clicks × ${inter.focus.expand} (at least ${inter.focus.minFraction} of the slice), resized to the network input.

${inputSection(m)}
## Training

- Data: ${t.data ?? recipe.train}. Licence: ${licenceOf(recipe.train)}. Reported on: ${recipe.evaluate.map((r) => `${r} (${licenceOf(r)})`).join('; ')}.
- Iterative simulated clicks (RITM/DeepEdit): each step lets the network correct its own prediction for 0–${(t as { maxRounds?: number }).maxRounds ?? 3} rounds, each round's click in its errors, then trains on the last round's input; some samples start from a damaged copy of the truth (a wrong proposal) or from a neighbouring slice's mask (propagation).
- Weights: epoch ${t.epochs}${t.bestEpoch ? ` (the best of those validated every ${t.validateEvery} epochs)` : ''}, reached after ${Math.round(Number(t.seconds ?? 0) / 60)} min on ${t.framework ?? 'PyTorch'}, ${String(t.device ?? 'cpu').toUpperCase()}${t.threads ? `, ${t.threads} thread(s)` : ''} (the run's budget: ${trainerOption(recipe, '--epochs') ?? '–'} epochs or ${trainerOption(recipe, '--max-minutes') ?? '–'} min); loss ${t.loss}; batch ${t.batchSize}; ${optimiserText(t)}.
- Recipe: \`training/recipes/${recipe.id}.json\`; remake with \`npm run train:model -- ${recipe.id} && npm run model:card -- ${recipe.id}\`.

## Architecture notes

\`\`\`
${architectureNotes(recipe.arch)}
\`\`\`
`;
}
