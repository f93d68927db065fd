// Draws the labels' surfaces with WebGL2 (no library, nothing but shader strings, so it runs under
// the page's strict CSP): one vertex/index buffer pair per (label, block) mesh, a light near the
// viewer with two-sided Blinn–Phong shading, a small cross at the crosshair voxel. Coordinates are world (LPS, mm).
import type { BlockMesh } from './surface-nets';
import type { OrbitCamera } from './orbit-camera';

const SURFACE_VS = `#version 300 es
in vec3 position;
in vec3 normal;
uniform mat4 viewProjection;
uniform mat4 view;
out vec3 viewNormal;
out vec3 viewPosition;
void main() {
  viewNormal = mat3(view) * normal;
  viewPosition = (view * vec4(position, 1.0)).xyz;
  gl_Position = viewProjection * vec4(position, 1.0);
}`;

const SURFACE_FS = `#version 300 es
precision highp float;
in vec3 viewNormal;
in vec3 viewPosition;
uniform vec3 color;
out vec4 fragment;
void main() {
  vec3 n = normalize(viewNormal);
  vec3 toEye = normalize(-viewPosition);
  if (dot(n, toEye) < 0.0) n = -n;
  // A light above-left of the viewer, so faces facing the viewer still show their shape.
  vec3 toLight = normalize(vec3(-0.35, 0.45, 1.0));
  float diffuse = max(dot(n, toLight), 0.0);
  float specular = pow(max(dot(n, normalize(toLight + toEye)), 0.0), 40.0);
  fragment = vec4(color * (0.22 + 0.78 * diffuse) + vec3(0.25) * specular, 1.0);
}`;

const LINE_VS = `#version 300 es
in vec3 position;
uniform mat4 viewProjection;
void main() { gl_Position = viewProjection * vec4(position, 1.0); }`;

const LINE_FS = `#version 300 es
precision highp float;
uniform vec3 color;
out vec4 fragment;
void main() { fragment = vec4(color, 1.0); }`;

interface GpuMesh { vao: WebGLVertexArrayObject; buffers: WebGLBuffer[]; count: number; label: number }

function compile(gl: WebGL2RenderingContext, vs: string, fs: string): WebGLProgram {
  const program = gl.createProgram()!;
  for (const [type, source] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]] as const) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`3D view shader: ${gl.getShaderInfoLog(shader)}`);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`3D view shaders: ${gl.getProgramInfoLog(program)}`);
  return program;
}

/** A program's uniform locations, looked up once (a lookup per frame costs a driver round trip). */
function uniformsOf<K extends string>(gl: WebGL2RenderingContext, program: WebGLProgram, names: readonly K[]): Record<K, WebGLUniformLocation | null> {
  return Object.fromEntries(names.map((n) => [n, gl.getUniformLocation(program, n)])) as Record<K, WebGLUniformLocation | null>;
}

export class SurfaceRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly surface: WebGLProgram;
  private readonly line: WebGLProgram;
  private readonly surfaceUniforms: Record<'viewProjection' | 'view' | 'color', WebGLUniformLocation | null>;
  private readonly lineUniforms: Record<'viewProjection' | 'color', WebGLUniformLocation | null>;
  private readonly surfaceAttributes: [number, number];
  private readonly lineBuffer: WebGLBuffer;
  private readonly lineVao: WebGLVertexArrayObject;
  private readonly meshes = new Map<string, GpuMesh>();

  constructor(private readonly canvas: HTMLCanvasElement) {
    // No multisampling: without a GPU (software GL) it costs more than the whole mesh update.
    const gl = canvas.getContext('webgl2', { antialias: false, preserveDrawingBuffer: true });
    if (!gl) throw new Error('This browser cannot draw the 3D view (no WebGL2).');
    this.gl = gl;
    this.surface = compile(gl, SURFACE_VS, SURFACE_FS);
    this.line = compile(gl, LINE_VS, LINE_FS);
    this.surfaceUniforms = uniformsOf(gl, this.surface, ['viewProjection', 'view', 'color'] as const);
    this.lineUniforms = uniformsOf(gl, this.line, ['viewProjection', 'color'] as const);
    this.surfaceAttributes = [gl.getAttribLocation(this.surface, 'position'), gl.getAttribLocation(this.surface, 'normal')];
    this.lineBuffer = gl.createBuffer()!;
    this.lineVao = gl.createVertexArray()!;
    gl.bindVertexArray(this.lineVao);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.lineBuffer);
    const at = gl.getAttribLocation(this.line, 'position');
    gl.enableVertexAttribArray(at);
    gl.vertexAttribPointer(at, 3, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
  }

  /** Triangles currently held, for the status line and tests. */
  get triangles(): number {
    let n = 0;
    for (const m of this.meshes.values()) n += m.count / 3;
    return n;
  }

  /** Uploads a block's mesh (replacing the old one); an empty mesh removes it. */
  setMesh(mesh: BlockMesh): void {
    const key = `${mesh.label}:${mesh.block}`;
    this.deleteMesh(key);
    if (mesh.indices.length === 0) return;
    const gl = this.gl;
    const vao = gl.createVertexArray()!;
    gl.bindVertexArray(vao);
    const buffers = [mesh.positions, mesh.normals].map((data, n) => {
      const buffer = gl.createBuffer()!;
      gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
      gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
      const at = this.surfaceAttributes[n];
      gl.enableVertexAttribArray(at);
      gl.vertexAttribPointer(at, 3, gl.FLOAT, false, 0, 0);
      return buffer;
    });
    const index = gl.createBuffer()!;
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, index);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, mesh.indices, gl.STATIC_DRAW);
    gl.bindVertexArray(null);
    this.meshes.set(key, { vao, buffers: [...buffers, index], count: mesh.indices.length, label: mesh.label });
  }

  clear(): void {
    for (const key of [...this.meshes.keys()]) this.deleteMesh(key);
  }

  /** Draws the visible labels in their colours (0–1 RGB) and, when given, a cross at `cursor`. */
  draw(camera: OrbitCamera, colors: Map<number, readonly [number, number, number]>, cursor: readonly number[] | null): void {
    const gl = this.gl;
    const { width, height } = this.canvas;
    gl.viewport(0, 0, width, height);
    gl.clearColor(0.05, 0.055, 0.07, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.enable(gl.DEPTH_TEST);
    const { view, viewProjection } = camera.matrices(width / Math.max(1, height));
    gl.useProgram(this.surface);
    gl.uniformMatrix4fv(this.surfaceUniforms.viewProjection, false, viewProjection);
    gl.uniformMatrix4fv(this.surfaceUniforms.view, false, view);
    for (const mesh of this.meshes.values()) {
      const color = colors.get(mesh.label);
      if (!color) continue;
      gl.uniform3f(this.surfaceUniforms.color, color[0], color[1], color[2]);
      gl.bindVertexArray(mesh.vao);
      gl.drawElements(gl.TRIANGLES, mesh.count, gl.UNSIGNED_INT, 0);
    }
    if (cursor) {
      const r = camera.radius * 0.06;
      const [x, y, z] = cursor;
      gl.useProgram(this.line);
      gl.uniformMatrix4fv(this.lineUniforms.viewProjection, false, viewProjection);
      gl.uniform3f(this.lineUniforms.color, 1, 0.85, 0.2);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.lineBuffer);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([x - r, y, z, x + r, y, z, x, y - r, z, x, y + r, z, x, y, z - r, x, y, z + r]), gl.DYNAMIC_DRAW);
      gl.bindVertexArray(this.lineVao);
      gl.disable(gl.DEPTH_TEST);
      gl.drawArrays(gl.LINES, 0, 6);
    }
    gl.bindVertexArray(null);
  }

  /** Waits until the GPU has drawn everything asked so far (benchmarks measure to here). */
  finish(): void {
    this.gl.finish();
  }

  dispose(): void {
    this.clear();
    this.gl.getExtension('WEBGL_lose_context')?.loseContext();
  }

  private deleteMesh(key: string): void {
    const old = this.meshes.get(key);
    if (!old) return;
    this.gl.deleteVertexArray(old.vao);
    for (const b of old.buffers) this.gl.deleteBuffer(b);
    this.meshes.delete(key);
  }
}
