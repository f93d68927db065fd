// The renderer's only door to the engine: Electron's preload bridge when present.
import type { StudioApi } from '../../shared/api';

declare global {
  interface Window { studio?: StudioApi }
}

export function studioClient(): StudioApi {
  if (!window.studio) throw new Error('MedSeg Studio engine is not connected');
  return window.studio;
}
