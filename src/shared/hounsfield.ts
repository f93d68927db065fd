// Whether voxel values are Hounsfield units: what tells a CT volume from others when the file
// (NIfTI, NRRD, MHA) does not say its modality. Used by the viewer's default window and by the
// engine's model choice.
import type { VolumeImage } from './image';

/** Air near −1000 and something denser than water. Sampled, so it costs little on big volumes. */
export function looksLikeHounsfield(data: VolumeImage['data']): boolean {
  const step = Math.max(1, Math.floor(data.length / 200_000));
  let lo = Infinity, hi = -Infinity;
  for (let n = 0; n < data.length; n += step) {
    const v = Number(data[n]);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= -900 && lo >= -3100 && hi >= 100;
}
