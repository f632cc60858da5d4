/** The digits the page trains on, as binary files next to index.html (written by vite.config.ts). */
export const DIGIT_FILES = { train: 'digits-train.bin', validation: 'digits-validation.bin' } as const;

/** Where tfjs-backend-wasm's .wasm files are served, relative to the page. */
export const WASM_DIR = 'wasm/';
