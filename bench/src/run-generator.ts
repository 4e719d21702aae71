import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { GeneratorSpec } from './spec.ts';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Node arguments that run one of this package's TypeScript files. Workspace packages load from their
 * source, except with `fromBuild`, where they load from their build output as a user's would (the
 * JSON-RPC peer comparison: the other libraries run their published JavaScript too).
 */
export function benchScript(file: string, { fromBuild = false }: { fromBuild?: boolean } = {}): string[] {
  return [...(fromBuild ? [] : ['--conditions=sockworks-source']), '--import', 'tsx', join(here, file)];
}

/**
 * Runs a load generator in its own process. `onProgress` gets the running count; `onConnected`
 * (idle runs) fires once every connection is open and returns a promise: the generator releases its
 * connections when that promise settles.
 */
export function runGenerator<R>(
  spec: GeneratorSpec,
  hooks: { onProgress?(n: number): void; onConnected?(open: number): Promise<void> } = {},
): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...benchScript('generator-main.ts'), JSON.stringify(spec)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let errText = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.startsWith('P ')) hooks.onProgress?.(Number(line.slice(2)));
      else if (line.startsWith('CONNECTED ')) {
        const done = hooks.onConnected?.(Number(line.slice(10))) ?? Promise.resolve();
        void done.finally(() => child.stdin.end('go\n'));
      } else errText += `${line}\n`;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`generator ${spec.kind} exited with ${code}: ${errText.trim()}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as R);
      } catch {
        reject(new Error(`generator ${spec.kind} printed no result: ${errText.trim()}`));
      }
    });
  });
}
