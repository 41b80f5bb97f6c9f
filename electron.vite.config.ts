import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

// main: the Electron host plus the quality and codec workers as their own entries (loaded by path
// at run time). The codec worker's libraries stay external (node_modules), and it reads their .wasm
// files from there, so electron-builder must unpack them from the asar with the worker.
// preload: CommonJS, because a sandboxed preload cannot be an ES module.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/electron/index.ts'),
          'quality-worker': resolve('src/main/core/imaging/quality-worker.ts'),
          'codec-worker': resolve('src/main/core/imaging/codec-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: { rollupOptions: { input: resolve('src/renderer/index.html') } },
    plugins: [react()],
  },
});
