// Segment statistics off the page's thread (a 512×512×150 volume takes a few hundred ms): the image
// is sent once per case, then each request brings a copy of the labelmap.
import type { Geometry, PixelArray } from '../../shared/image';
import { segmentStatistics, type SegmentStatistics } from '../../shared/segment-statistics';

export type StatisticsRequest =
  | { kind: 'image'; geometry: Geometry; data: PixelArray | null; components: number }
  | { kind: 'compute'; id: number; labels: Uint8Array };

export interface StatisticsResponse { id: number; rows: SegmentStatistics[]; seconds: number; error?: string }

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<StatisticsRequest>) => void) | null;
  postMessage(message: StatisticsResponse): void;
};

let image: { geometry: Geometry; data: PixelArray | null; components: number } | null = null;

scope.onmessage = ({ data: request }) => {
  if (request.kind === 'image') {
    image = request;
    return;
  }
  const start = performance.now();
  try {
    if (!image) throw new Error('no image');
    const rows = segmentStatistics({ labels: request.labels, geometry: image.geometry, image: image.data ? { data: image.data, components: image.components } : null });
    scope.postMessage({ id: request.id, rows, seconds: (performance.now() - start) / 1000 });
  } catch (e) {
    scope.postMessage({ id: request.id, rows: [], seconds: 0, error: (e as Error).message });
  }
};
