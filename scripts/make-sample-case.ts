// Generates resources/sample/abdomen-phantom.nii.gz: a small synthetic abdominal CT (air, fat, soft
// tissue, a liver-like organ on the patient's right, kidneys, spine) with mild noise, so the app's
// first launch opens a real-format volume without shipping patient data.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeImage } from '../src/core/io';
import { appRoot } from '../src/core/paths';

const size: [number, number, number] = [192, 192, 32];
const spacing: [number, number, number] = [1.8, 1.8, 5];
const [nx, ny, nz] = size;
const data = new Int16Array(nx * ny * nz);

// Deterministic noise (xorshift), so the committed file is reproducible.
let seed = 0x2545f491;
const noise = () => {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return ((seed >>> 0) / 2 ** 32 - 0.5) * 16;
};

const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

for (let k = 0; k < nz; k++) {
  const z = k / (nz - 1); // 0 = inferior, 1 = superior
  const liverScale = Math.max(0, Math.sin(Math.PI * (0.25 + 0.75 * z)));
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      // i grows toward the patient's left (LPS), j toward posterior.
      let hu = -1000;
      if (inEllipse(i, j, 96, 100, 86, 66)) hu = -100; // subcutaneous fat
      if (inEllipse(i, j, 96, 100, 78, 58)) hu = 35; // soft tissue
      if (liverScale > 0.2 && inEllipse(i, j, 62, 92, 34 * liverScale, 40 * liverScale)) hu = 62; // liver
      if (z < 0.6 && (inEllipse(i, j, 58, 128, 11, 15) || inEllipse(i, j, 134, 128, 11, 15))) hu = 30; // kidneys
      if (inEllipse(i, j, 96, 140, 12, 12)) hu = 700; // vertebral body
      if (inEllipse(i, j, 110, 96, 10, 10)) hu = 180; // aorta with contrast
      data[i + nx * (j + ny * k)] = Math.round(hu + (hu > -1000 ? noise() : 0));
    }
  }
}

const out = join(appRoot(), 'resources', 'sample');
mkdirSync(out, { recursive: true });
const written = await writeImage(join(out, 'abdomen-phantom.nii.gz'), {
  size, spacing, origin: [-(nx - 1) * spacing[0] / 2, -(ny - 1) * spacing[1] / 2, -80], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  components: 1, pixelType: 'int16', data, modality: 'CT',
});
console.log(JSON.stringify(written));
