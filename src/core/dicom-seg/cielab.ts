// A label's colour as DICOM's Recommended Display CIELab Value: sRGB → CIE XYZ → L*a*b*, scaled to
// 16 bits (L* 0–100, a* and b* −128–127 onto 0–65535, PS3.3 C.10.7.1.1). The D65 white point is the
// one dcmqi and 3D Slicer use, so colours round-trip through their readers.
const WHITE_D65 = [0.95047, 1, 1.08883];
const SRGB_TO_XYZ = [
  [0.4124564, 0.3575761, 0.1804375],
  [0.2126729, 0.7151522, 0.072175],
  [0.0193339, 0.119192, 0.9503041],
];

function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function f(t: number): number {
  return t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29;
}

/** "#rrggbb" → [L, a, b] as DICOM's unsigned 16-bit triplet. */
export function dicomLabOf(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  const rgb = m ? [1, 2, 3].map((n) => linear(parseInt(m[n], 16))) : [0.5, 0.5, 0.5].map((x) => linear(x * 255));
  const [x, y, z] = SRGB_TO_XYZ.map((row, r) => f((row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2]) / WHITE_D65[r]));
  const lab = [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  const scale = (v: number, lo: number, hi: number) => Math.round(Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 65535);
  return [scale(lab[0], 0, 100), scale(lab[1], -128, 127), scale(lab[2], -128, 127)];
}
