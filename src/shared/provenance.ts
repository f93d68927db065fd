// Who set a voxel last, kept beside every labelmap (one byte per voxel). The editor writes it,
// the workspace stores it, fine-tuning weights corrected slices up.
// Interactive: set by a click-guided model answering the user's clicks (AI clicks).
export const Provenance = { None: 0, Model: 1, Human: 2, Interactive: 3 } as const;
export type ProvenanceValue = (typeof Provenance)[keyof typeof Provenance];

/**
 * A correction the user made, by hand or with AI clicks: a model re-run leaves it alone and
 * fine-tuning learns from it.
 */
export function isCorrection(provenance: number): boolean {
  return provenance === Provenance.Human || provenance === Provenance.Interactive;
}
