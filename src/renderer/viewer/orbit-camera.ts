// The 3D view's camera: it orbits a target in world coordinates (LPS, mm). Its start (and reset) is
// the anterior view with the head up, the patient's right on the screen's left, as the slice views
// and 3D Slicer show it. Pure maths, no WebGL.
import { directionLetters } from '../../shared/anatomical-axes';
import type { Vec3 } from '../../shared/geometry';

const FOV = (30 * Math.PI) / 180;

const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const normalize = (a: Vec3): Vec3 => scale(a, 1 / (Math.hypot(...a) || 1));

/** v rotated by `angle` about the unit `axis` (Rodrigues). */
function rotate(v: Vec3, axis: Vec3, angle: number): Vec3 {
  const c = Math.cos(angle), s = Math.sin(angle);
  return add(add(scale(v, c), scale(cross(axis, v), s)), scale(axis, dot(axis, v) * (1 - c)));
}

export class OrbitCamera {
  target: Vec3 = [0, 0, 0];
  /** Radius of what is shown: sets the start distance and the clipping planes. */
  radius = 100;
  distance = 400;
  /** Screen right and up in world coordinates; `back` (towards the viewer) is right × up. */
  right: Vec3 = [1, 0, 0];
  up: Vec3 = [0, 0, 1];
  private home: Vec3 = [0, 0, 0];

  get back(): Vec3 {
    return cross(this.right, this.up);
  }

  /** Frames a sphere and remembers it for `reset`. */
  fit(centre: Vec3, radius: number): void {
    this.home = [...centre];
    this.radius = Math.max(radius, 1e-3);
    this.reset();
  }

  /** Anterior view of the fitted sphere: right = patient left (+x), up = superior (+z). */
  reset(): void {
    this.target = [...this.home];
    this.right = [1, 0, 0];
    this.up = [0, 0, 1];
    this.distance = (this.radius / Math.sin(FOV / 2)) * 1.05;
  }

  /** A drag of (dx, dy) pixels turns the scene with the pointer, about the screen's axes. */
  orbit(dx: number, dy: number): void {
    const yaw = -dx * 0.01, pitch = -dy * 0.01;
    this.right = normalize(rotate(this.right, this.up, yaw));
    this.up = normalize(rotate(this.up, this.right, pitch));
    // Re-orthogonalise against drift.
    this.right = normalize(cross(this.up, this.back));
  }

  zoom(factor: number): void {
    this.distance = Math.min(this.radius * 50, Math.max(this.radius * 0.05, this.distance * factor));
  }

  /** Moves the target with a drag of (dx, dy) pixels in a view `height` pixels tall. */
  pan(dx: number, dy: number, height: number): void {
    const mmPerPixel = (2 * this.distance * Math.tan(FOV / 2)) / Math.max(1, height);
    this.target = add(this.target, add(scale(this.right, -dx * mmPerPixel), scale(this.up, dy * mmPerPixel)));
  }

  /** Patient letters at the view's edges, as the slice views write them ("LA" when turned). */
  letters(): { left: string; right: string; top: string; bottom: string } {
    return { left: directionLetters(scale(this.right, -1)), right: directionLetters(this.right), top: directionLetters(this.up), bottom: directionLetters(scale(this.up, -1)) };
  }

  /** Column-major view and view-projection matrices for WebGL. */
  matrices(aspect: number): { view: Float32Array; viewProjection: Float32Array } {
    const back = this.back;
    const eye = add(this.target, scale(back, this.distance));
    const r = this.right, u = this.up;
    const view = new Float32Array([
      r[0], u[0], back[0], 0, r[1], u[1], back[1], 0, r[2], u[2], back[2], 0,
      -dot(r, eye), -dot(u, eye), -dot(back, eye), 1,
    ]);
    const near = Math.max(this.distance - 2 * this.radius, this.distance * 0.01), far = this.distance + 2 * this.radius;
    const f = 1 / Math.tan(FOV / 2);
    const projection = [f / aspect, 0, 0, 0, 0, f, 0, 0, 0, 0, (far + near) / (near - far), -1, 0, 0, (2 * far * near) / (near - far), 0];
    const viewProjection = new Float32Array(16);
    for (let c = 0; c < 4; c++) for (let row = 0; row < 4; row++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += projection[k * 4 + row] * view[c * 4 + k];
      viewProjection[c * 4 + row] = s;
    }
    return { view, viewProjection };
  }
}
