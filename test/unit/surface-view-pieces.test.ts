// The 3D view's camera and the statistics CSV: pure pieces of the renderer.
import { describe, expect, it } from 'vitest';
import { OrbitCamera } from '../../src/renderer/viewer/orbit-camera';
import { statisticsCsv } from '../../src/renderer/viewer/statistics-csv';
import { segmentStatistics } from '../../src/shared/segment-statistics';

describe('3D view camera', () => {
  it('starts (and resets) on the anterior view: patient right on the screen\'s left, head up', () => {
    const camera = new OrbitCamera();
    camera.fit([10, -20, 30], 50);
    expect(camera.letters()).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
    // The eye is anterior (−y in LPS) of the target.
    expect(camera.back[1]).toBeCloseTo(-1, 12);
    camera.orbit(314, 0); // half a turn (0.01 rad per pixel) about the vertical
    expect(camera.letters()).toEqual({ left: 'L', right: 'R', top: 'S', bottom: 'I' });
    camera.orbit(0, 80);
    expect(camera.letters().top).toMatch(/^S?[AP]S?$/); // tipped towards anterior or posterior
    camera.reset();
    expect(camera.letters()).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
  });

  it('projects the target to the screen centre and keeps it inside the clipping planes', () => {
    const camera = new OrbitCamera();
    camera.fit([10, -20, 30], 50);
    camera.orbit(40, -25);
    const { viewProjection: m } = camera.matrices(1.5);
    const [x, y, z] = [10, -20, 30];
    const clip = [0, 1, 2, 3].map((r) => m[r] * x + m[4 + r] * y + m[8 + r] * z + m[12 + r]);
    expect(clip[0] / clip[3]).toBeCloseTo(0, 6); // float32 matrices
    expect(clip[1] / clip[3]).toBeCloseTo(0, 6);
    expect(Math.abs(clip[2] / clip[3])).toBeLessThan(1);
  });
});

describe('statistics CSV', () => {
  it('one row per label with the unit in the intensity headers; names with commas or quotes quoted', () => {
    const labels = Uint8Array.of(0, 1, 1, 2);
    const rows = segmentStatistics({ labels, geometry: { size: [4, 1, 1], spacing: [1, 2, 3], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, image: { data: Int16Array.of(0, 10, 20, -5), components: 1 } });
    const csv = statisticsCsv(rows, (v) => (v === 1 ? 'liver, left "lobe"' : 'tumour'), 'HU').split('\r\n');
    expect(csv[0].split(',').slice(0, 8)).toEqual(['value', 'name', 'voxels', 'volume_ml', 'mean_hu', 'sd_hu', 'min_hu', 'max_hu']);
    expect(csv[1].startsWith('1,"liver, left ""lobe""",2,0.012,15,7.071067812,10,20,')).toBe(true);
    expect(csv[2].startsWith('2,tumour,1,0.006,-5,0,-5,-5,')).toBe(true);
    expect(csv).toHaveLength(4); // header, two rows, the final line break
  });
});
