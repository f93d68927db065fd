// Who set a voxel last, kept beside every labelmap (one byte per voxel). The editor writes it,
// the workspace stores it, fine-tuning weights human-edited slices up.
export const Provenance = { None: 0, Model: 1, Human: 2 } as const;
export type ProvenanceValue = (typeof Provenance)[keyof typeof Provenance];
