// Generates resources/sample/abdomen-phantom.nii.gz: a small synthetic abdominal CT (fat, abdominal
// wall, bowel with gas, stomach, a liver on the patient's right, spleen, kidneys, great vessels,
// spine) with mild noise, so the app's first launch opens a real-format volume without shipping
// patient data.
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

// Organs as ellipses in one axial plane (i grows toward the patient's left (LPS), j toward
// posterior), scaled along z so they start and end like real ones. Later entries paint over earlier ones.
for (let k = 0; k < nz; k++) {
  const z = k / (nz - 1); // 0 = inferior, 1 = superior
  const liverScale = Math.max(0, Math.sin(Math.PI * (0.25 + 0.75 * z)));
  const spleenScale = Math.max(0, Math.sin(Math.PI * (z - 0.35) / 0.65));
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let hu = -1000;
      if (inEllipse(i, j, 96, 100, 86, 66)) hu = -100; // subcutaneous fat
      if (inEllipse(i, j, 96, 100, 80, 60)) hu = 50; // abdominal wall muscle
      if (inEllipse(i, j, 96, 100, 74, 54)) hu = -90; // intra-abdominal fat
      // Bowel loops low in the abdomen, some with gas.
      for (const [cx, cy, r] of [[80, 70, 9], [104, 66, 8], [126, 78, 9], [92, 88, 7], [120, 100, 8]]) {
        if (z < 0.55 && inEllipse(i, j, cx, cy, r, r)) hu = (i - cx) ** 2 + (j - cy + 3) ** 2 < 9 ? -850 : 25;
      }
      if (z > 0.45 && inEllipse(i, j, 122, 74, 16, 13)) hu = inEllipse(i, j, 122, 70, 9, 6) ? -900 : 30; // stomach with air
      if (liverScale > 0.2 && (inEllipse(i, j, 60, 92, 34 * liverScale, 38 * liverScale) || inEllipse(i, j, 82, 76, 18 * liverScale, 14 * liverScale))) hu = 62; // liver
      if (spleenScale > 0.2 && inEllipse(i, j, 146, 112, 12 * spleenScale, 18 * spleenScale)) hu = 48; // spleen
      if (z < 0.6 && (inEllipse(i, j, 62, 130, 10, 14) || inEllipse(i, j, 132, 130, 10, 14))) hu = 150; // kidneys (cortex enhancing)
      if (inEllipse(i, j, 78, 132, 12, 10) || inEllipse(i, j, 114, 132, 12, 10)) hu = 52; // paraspinal muscles
      if (inEllipse(i, j, 96, 136, 11, 10)) hu = 700; // vertebral body
      if (inEllipse(i, j, 96, 152, 4, 8)) hu = 500; // spinous process
      if (inEllipse(i, j, 104, 118, 7, 7)) hu = 180; // aorta with contrast
      if (liverScale > 0.3 && inEllipse(i, j, 84, 112, 7, 6)) hu = 120; // inferior vena cava
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
