/**
 * The one tsup setup every workspace package builds with; each tsup.config.ts only names its entries.
 * Packages are published: ESM and CommonJS, each with types. Apps run on Node as ESM only; their
 * server and CLI entries need no types, the library entry (src/index.ts) does.
 */
import { defineConfig, type Options } from 'tsup';

const NODE: Options = { sourcemap: true, clean: true, target: 'node20', platform: 'node' };

/** A published package: src/index.ts (or `options.entry`) as ESM and CommonJS with .d.ts/.d.cts. */
export function packageConfig(options: Options = {}) {
  return defineConfig({ ...NODE, entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true, ...options });
}

/** An app: every entry (library, server, CLIs) as ESM, types for src/index.ts only. */
export function appConfig(entry: Options['entry']) {
  return defineConfig({ ...NODE, entry, format: ['esm'], dts: { entry: 'src/index.ts' } });
}
