// The three Konva layers of one slice view, kept outside Vue: the image (never listening), the
// labels and the tool overlay (crosshair, brush outline, polygon). Image and labels are rendered
// into offscreen canvases through ImageData, already in screen order (turned and flipped into
// anatomical orientation), so the nodes only place and scale them; a brush stamp puts back only
// its dirty rectangle.
import Konva from 'konva';
import type { ViewTransform } from '../viewer/view-transform';
import type { RasterRect } from './slices';

export interface OverlayShapes {
  /** Screen position of the crosshair voxel and the colours of its vertical and horizontal lines. */
  crosshair: { x: number; y: number; verticalColor: string; horizontalColor: string } | null;
  brush: { x: number; y: number; rx: number; ry: number; color: string } | null;
  /** Screen points of the polygon (x, y pairs), its first vertex, and whether a click there closes it. */
  polygon: { points: number[]; start: { x: number; y: number }; closable: boolean } | null;
  /** AI clicks of the current session: green adds, red removes. */
  clicks: { x: number; y: number; positive: boolean }[];
}

const POLYGON_COLOR = '#ffd000';
const CLICK_COLORS = { add: '#2ecc40', remove: '#ff4136' };

/** A raster buffer: the offscreen canvas, its 2D context and the ImageData it is filled through. */
class RasterBuffer {
  readonly canvas = document.createElement('canvas');
  private readonly ctx = this.canvas.getContext('2d')!;
  private data: ImageData | null = null;

  /** The pixels for a width × height raster (reallocated when the size changes). */
  pixels(width: number, height: number): Uint8ClampedArray {
    if (!this.data || this.data.width !== width || this.data.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.data = this.ctx.createImageData(width, height);
    }
    return this.data.data;
  }

  /** Copies the pixels (or only `dirty`) onto the canvas. */
  put(dirty?: RasterRect | null): void {
    if (!this.data) return;
    if (!dirty) { this.ctx.putImageData(this.data, 0, 0); return; }
    const x0 = Math.max(0, dirty.x0), y0 = Math.max(0, dirty.y0);
    const x1 = Math.min(this.data.width - 1, dirty.x1), y1 = Math.min(this.data.height - 1, dirty.y1);
    if (x1 >= x0 && y1 >= y0) this.ctx.putImageData(this.data, 0, 0, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
  }
}

export class SliceLayers {
  private readonly stage: Konva.Stage;
  private readonly imageLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false });
  private readonly labelLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false });
  private readonly overlayLayer = new Konva.Layer({ listening: false });
  private readonly image = new RasterBuffer();
  private readonly labels = new RasterBuffer();
  private readonly imageNode = new Konva.Image({ image: this.image.canvas, listening: false });
  private readonly labelNode = new Konva.Image({ image: this.labels.canvas, listening: false });
  private readonly crossVertical = new Konva.Line({ strokeWidth: 1, opacity: 0.8, dash: [6, 4], listening: false });
  private readonly crossHorizontal = new Konva.Line({ strokeWidth: 1, opacity: 0.8, dash: [6, 4], listening: false });
  private readonly brush = new Konva.Ellipse({ radiusX: 1, radiusY: 1, strokeWidth: 1.5, listening: false });
  private readonly polygon = new Konva.Line({ stroke: POLYGON_COLOR, strokeWidth: 1.5, listening: false });
  private readonly polygonStart = new Konva.Circle({ radius: 5, stroke: POLYGON_COLOR, strokeWidth: 1.5, listening: false });
  private readonly clickMarks = new Konva.Group({ listening: false });
  private transform: ViewTransform | null = null;

  constructor(container: HTMLDivElement, width: number, height: number) {
    this.stage = new Konva.Stage({ container, width, height, listening: false });
    this.imageLayer.add(this.imageNode);
    this.labelLayer.add(this.labelNode);
    this.overlayLayer.add(this.crossVertical, this.crossHorizontal, this.brush, this.polygon, this.polygonStart, this.clickMarks);
    this.stage.add(this.imageLayer, this.labelLayer, this.overlayLayer);
  }

  resize(width: number, height: number): void {
    this.stage.size({ width, height });
  }

  /** Renders the image raster through `fill` and shows it at the next frame. */
  paintImage(width: number, height: number, fill: (rgba: Uint8ClampedArray) => void): void {
    fill(this.image.pixels(width, height));
    this.image.put();
    this.imageLayer.batchDraw();
  }

  /** Renders the label raster through `fill`; with `dirty`, only that rectangle is put back. */
  paintLabels(width: number, height: number, fill: (rgba: Uint8ClampedArray) => void, dirty?: RasterRect | null): void {
    fill(this.labels.pixels(width, height));
    this.labels.put(dirty);
    this.labelLayer.batchDraw();
  }

  /** Places the rasters on screen. */
  place(t: ViewTransform): void {
    this.transform = t;
    for (const node of [this.imageNode, this.labelNode]) {
      node.position({ x: t.originX, y: t.originY });
      node.scale({ x: t.scaleX, y: t.scaleY });
      node.size({ width: t.width, height: t.height });
    }
    this.imageLayer.batchDraw();
    this.labelLayer.batchDraw();
  }

  drawOverlay(shapes: OverlayShapes): void {
    const t = this.transform;
    const { crosshair, brush, polygon } = shapes;
    this.crossVertical.visible(false);
    this.crossHorizontal.visible(false);
    if (crosshair && t) {
      const top = t.originY, bottom = t.originY + t.height * t.scaleY;
      const left = t.originX, right = t.originX + t.width * t.scaleX;
      this.crossVertical.points([crosshair.x, top, crosshair.x, bottom]).stroke(crosshair.verticalColor).visible(true);
      this.crossHorizontal.points([left, crosshair.y, right, crosshair.y]).stroke(crosshair.horizontalColor).visible(true);
    }
    this.brush.visible(Boolean(brush));
    if (brush) this.brush.setAttrs({ x: brush.x, y: brush.y, radiusX: brush.rx, radiusY: brush.ry, stroke: brush.color });
    this.polygon.visible(Boolean(polygon));
    this.polygonStart.visible(Boolean(polygon));
    if (polygon) {
      this.polygon.points(polygon.points);
      this.polygonStart.setAttrs({ x: polygon.start.x, y: polygon.start.y, fill: polygon.closable ? POLYGON_COLOR : 'transparent' });
    }
    this.clickMarks.destroyChildren();
    for (const c of shapes.clicks) {
      this.clickMarks.add(new Konva.Circle({ x: c.x, y: c.y, radius: 4, fill: c.positive ? CLICK_COLORS.add : CLICK_COLORS.remove, stroke: '#000', strokeWidth: 1, listening: false }));
    }
    this.overlayLayer.batchDraw();
  }

  /** Draws every layer now (not at the next frame). */
  drawNow(): void {
    this.imageLayer.draw();
    this.drawEdits();
  }

  /** Draws now the layers an edit changes (labels, tool overlay); the image layer is untouched. */
  drawEdits(): void {
    this.labelLayer.draw();
    this.overlayLayer.draw();
  }

  destroy(): void {
    this.stage.destroy();
  }
}
