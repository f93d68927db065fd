import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// itk-wasm and onnxruntime-node load WASM / native files from their own package folders at run time,
// so they stay external (electron-vite externalizes dependencies by default). The engine's worker
// threads are entries of their own: core finds them beside the bundle as io-worker.js etc.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'io-worker': resolve(__dirname, 'src/core/io/io-worker.ts'),
          'inference-worker': resolve(__dirname, 'src/core/inference/inference-worker.ts'),
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
    plugins: [vue()],
  },
});
