import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';

/**
 * The page's CSP allows no inline styles and no WebSocket; Vite's dev server needs both (it injects
 * CSS as <style> and reloads over ws). Relaxed for `electron-vite dev` only, never in a build.
 */
const devServerCsp: Plugin = {
  name: 'medseg-dev-server-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws:"),
};

// itk-wasm and onnxruntime-node load WASM / native files from their own package folders at run time,
// so they stay external (electron-vite externalizes dependencies by default). The engine's worker
// threads (and the CUDA load test's process) are entries of their own: core finds them beside the
// bundle as io-worker.js etc.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'io-worker': resolve(__dirname, 'src/core/io/io-worker.ts'),
          'inference-worker': resolve(__dirname, 'src/core/inference/inference-worker.ts'),
          'cuda-load-child': resolve(__dirname, 'src/core/inference/cuda-load-child.ts'),
        },
      },
    },
  },
  // A sandboxed preload cannot be an ES module: build it as CommonJS (.cjs, the package is "type": "module").
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
    plugins: [vue(), devServerCsp],
  },
});
