// Every version of a model on the workspace's held-out reviewed cases, run through the engine (the
// exported ONNX, not the trainer), so the numbers are the ones a user gets when they click Segment.
import type { VersionEvaluation } from '../../shared/api';
import { UserError } from '../../shared/errors';
import { readImage } from '../io';
import { loadModel, segmentVolume } from '../inference';
import { addCounts, metricsOf, overlapCounts, type OverlapCounts } from '../masks/metrics';
import type { CaseStore } from '../workspace/case-store';
import { casesForModel } from './finetune-dataset';
import { findLineage } from './model-registry';
import type { ModelFolders } from './model-folders';

export async function evaluateVersions(folders: ModelFolders, store: CaseStore, modelRef: string): Promise<VersionEvaluation> {
  const { root, versions } = await findLineage(folders, modelRef);
  const manifest = versions[0].manifest;
  const label = manifest.output.labels.length === 1 ? manifest.output.labels[0].value : undefined;
  const heldOut = [];
  for (const record of casesForModel(await store.reviewed(), root.id).filter((c) => c.split === 'validation')) {
    const [image, work] = await Promise.all([readImage(record.source), store.work(record.id)]);
    if (work && image.components === manifest.input.channels) heldOut.push({ name: record.name, image, truth: work.labelmap });
  }
  if (heldOut.length === 0) {
    throw new UserError(`No held-out reviewed cases for ${manifest.name}: review at least two cases (the 2nd, 7th, 12th… is held out).`);
  }
  const rows: VersionEvaluation['versions'] = [];
  for (const version of versions) {
    const model = await loadModel(version.path, { device: 'cpu' });
    const start = performance.now();
    let counts: OverlapCounts = { truePositive: 0, falsePositive: 0, falseNegative: 0 };
    try {
      for (const c of heldOut) counts = addCounts(counts, overlapCounts((await segmentVolume(model, c.image)).labelmap, c.truth, label));
    } finally {
      await model.close();
    }
    rows.push({ ref: version.ref, parent: version.record?.parent ?? null, current: version.current, metrics: metricsOf(counts),
      seconds: +((performance.now() - start) / 1000).toFixed(2) });
  }
  return { model: root.id, heldOutCases: heldOut.map((c) => c.name), versions: rows };
}
