// Bundles jsonrpc-overhead.ts with esbuild (workspace packages from source) and runs it.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const esbuild = createRequire(require.resolve('tsup'))('esbuild');
const outfile = fileURLToPath(new URL('../../node_modules/.cache/jsonrpc-overhead.mjs', import.meta.url));
await esbuild.build({
  entryPoints: [fileURLToPath(new URL('./jsonrpc-overhead.ts', import.meta.url))],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['sockworks-source'],
  external: ['jayson'],
  outfile,
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
