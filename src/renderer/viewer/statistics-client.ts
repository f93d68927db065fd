// The page's side of the statistics worker: the latest request wins, older answers are dropped.
import type { VolumeImage } from '../../shared/image';
import type { SegmentStatistics } from '../../shared/segment-statistics';
import type { StatisticsRequest, StatisticsResponse } from './statistics-worker';

export class StatisticsClient {
  private readonly worker = new Worker(new URL('./statistics-worker.ts', import.meta.url), { type: 'module' });
  private image: VolumeImage | null = null;
  private nextId = 0;
  private waiting: { id: number; resolve: (r: StatisticsResponse | null) => void } | null = null;

  constructor() {
    this.worker.onmessage = ({ data }: MessageEvent<StatisticsResponse>) => {
      if (this.waiting?.id === data.id) this.waiting.resolve(data);
    };
  }

  /** Statistics of `labels` on `image`'s grid; null when a newer request replaced this one. */
  async compute(image: VolumeImage, labels: Uint8Array): Promise<{ rows: SegmentStatistics[]; seconds: number } | null> {
    if (image !== this.image) {
      this.image = image;
      const { size, spacing, origin, direction } = image;
      // Intensities only for one-component images; a copy moves, so the page keeps its own buffer.
      const data = image.components === 1 ? image.data.slice() : null;
      this.post({ kind: 'image', geometry: { size, spacing, origin, direction }, data, components: image.components }, data ? [data.buffer] : []);
    }
    const id = ++this.nextId;
    const replaced = this.waiting;
    const answer = new Promise<StatisticsResponse | null>((resolve) => { this.waiting = { id, resolve }; });
    replaced?.resolve(null);
    const copy = labels.slice();
    this.post({ kind: 'compute', id, labels: copy }, [copy.buffer]);
    const response = await answer;
    if (!response || response.id !== this.nextId) return null;
    if (response.error) throw new Error(response.error);
    return { rows: response.rows, seconds: response.seconds };
  }

  dispose(): void {
    this.worker.terminate();
  }

  private post(request: StatisticsRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(request, transfer);
  }
}
