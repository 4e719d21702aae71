/**
 * Builds the web client (src/web/) into `outDir`: app.js (the TypeScript bundled for browsers by
 * esbuild), app.css and index.html. `pnpm build` runs it after tsup (tsup.config.ts, dist/web); the browser tests
 * run it into a temporary directory, so they test the sources without a prior build.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SRC = fileURLToPath(new URL('./src/web/', import.meta.url));

export async function bundleWebClient(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(SRC, 'app.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(SRC, 'app.css'), join(outDir, 'app.css'));
  await copyFile(join(SRC, 'index.html'), join(outDir, 'index.html'));
}
