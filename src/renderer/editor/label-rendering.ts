// Paints one labelmap slice into an RGBA buffer (ImageData layout) for the label layer, laid out
// as the view shows it (SliceLayout: turned and flipped into anatomical orientation). A dirty
// rectangle limits the work to what a brush stamp touched, so painting stays cheap on big slices.
import { PLAIN_LAYOUT, sliceRaster, sliceRectToRaster, sliceView, type Orientation, type SliceLayout, type SliceRect } from './slices';

export type LabelColors = ReadonlyMap<number, readonly [number, number, number]>;

export interface RenderLabelSliceOptions {
  colors: LabelColors;
  /** 0..1, applied to every labelled pixel. */
  opacity: number;
  /** Draw only boundary pixels (a labelled pixel with a 4-neighbour of another label, or on the slice edge). */
  outline: boolean;
  /** Redraw only this rectangle (inclusive, slice pixels); the rest of `target` is left as is. */
  rect?: SliceRect | null;
  /** How the slice is laid out in `target` (plain u-right, v-down when absent). */
  layout?: SliceLayout;
}

/**
 * One RGBA word per label, built through a byte view so the word has the right byte order on any
 * platform; writing words is ~4x faster than writing bytes on big slices.
 */
function colorTable(colors: LabelColors, opacity: number): Uint32Array {
  const table = new Uint32Array(256);
  const bytes = new Uint8Array(table.buffer);
  const alpha = Math.round(Math.min(1, Math.max(0, opacity)) * 255);
  for (const [label, [r, g, b]] of colors) {
    if (label <= 0 || label > 255) continue; // background stays transparent
    bytes[label * 4] = r;
    bytes[label * 4 + 1] = g;
    bytes[label * 4 + 2] = b;
    bytes[label * 4 + 3] = alpha;
  }
  return table;
}

/** Fills `target` (width*height*4 bytes of the raster) from the labels; labels without a colour are transparent. */
export function renderLabelSliceRGBA(
  labels: Uint8Array,
  size: readonly [number, number, number],
  orientation: Orientation,
  index: number,
  target: Uint8ClampedArray,
  options: RenderLabelSliceOptions,
): void {
  const view = sliceView(size, orientation, index);
  const { width, height, strideX, strideY, origin } = sliceRaster(view, options.layout);
  if (target.length !== width * height * 4) {
    throw new RangeError(`RGBA target holds ${target.length} bytes; a ${width}x${height} ${orientation} slice needs ${width * height * 4}`);
  }
  const table = colorTable(options.colors, options.opacity);
  const tableBytes = new Uint8Array(table.buffer);
  const pixels = target.byteOffset % 4 === 0
    ? new Uint32Array(target.buffer, target.byteOffset, width * height)
    : null;
  /** Writes label `label`'s colour (0: transparent) at pixel `p`. */
  const put = (p: number, label: number) => {
    if (pixels) { pixels[p] = table[label]; return; }
    for (let c = 0; c < 4; c++) target[p * 4 + c] = tableBytes[label * 4 + c];
  };

  // An edit changes whether its neighbours are boundary pixels, so outline redraws reach one pixel further.
  const grow = options.outline && options.rect ? 1 : 0;
  const r = options.rect
    ? sliceRectToRaster(options.layout ?? PLAIN_LAYOUT, width, height, options.rect)
    : { x0: 0, y0: 0, x1: width - 1, y1: height - 1 };
  const x0 = Math.max(0, r.x0 - grow), y0 = Math.max(0, r.y0 - grow);
  const x1 = Math.min(width - 1, r.x1 + grow), y1 = Math.min(height - 1, r.y1 + grow);

  for (let y = y0; y <= y1; y++) {
    let voxel = origin + y * strideY + x0 * strideX;
    let p = y * width + x0;
    for (let x = x0; x <= x1; x++, voxel += strideX, p++) {
      const label = labels[voxel];
      if (label === 0) { put(p, 0); continue; }
      if (options.outline) {
        const interior = x > 0 && x < width - 1 && y > 0 && y < height - 1
          && labels[voxel - strideX] === label && labels[voxel + strideX] === label
          && labels[voxel - strideY] === label && labels[voxel + strideY] === label;
        if (interior) { put(p, 0); continue; }
      }
      put(p, label);
    }
  }
}
