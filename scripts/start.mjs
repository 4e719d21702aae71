#!/usr/bin/env node
// `pnpm start`: build what is needed, then run every service (or the ones named with --filter) in the
// foreground on its spec defaults, each output line prefixed with the service name. Ctrl+C (SIGINT) or
// SIGTERM drains every service; the exit code is 0 when they all stopped cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const APPS = readdirSync(join(root, 'apps'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'apps', d.name, 'package.json')))
  .map((d) => d.name)
  .sort();

const HELP = `Usage: pnpm start [--filter <app>]... [--no-build] [-- <args for the service>]

Builds the apps (turbo, cached) and runs them in the foreground with their spec defaults.
Each output line is prefixed with the service name. Ctrl+C stops all of them gracefully.

Options:
  --filter <app>   run only this app (repeatable; also --filter=<app>)
  --no-build       skip the build step (use the existing dist/)
  -h, --help       show this help

Apps: ${APPS.join(', ')}
Environment variables of each app (ports, socket paths, limits) are passed through; see its README.`;

function parseArgs(argv) {
  const only = [];
  let build = true;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h' || a === '--help') {
      console.log(HELP);
      process.exit(0);
    } else if (a === '--no-build') build = false;
    else if (a === '--filter' || a === '-F') only.push(argv[++i] ?? '');
    else if (a.startsWith('--filter=')) only.push(a.slice('--filter='.length));
    else {
      console.error(`start: unknown option ${a} (see --help)`);
      process.exit(2);
    }
  }
  for (const name of only) {
    if (!APPS.includes(name)) {
      console.error(`start: unknown app "${name}" (expected one of ${APPS.join(', ')})`);
      process.exit(2);
    }
  }
  return { apps: only.length > 0 ? only : APPS, build, rest };
}

const { apps, build, rest } = parseArgs(process.argv.slice(2));

/**
 * How to run turbo. turbo runs each package's build script through pnpm, so pnpm must be on PATH.
 * Run with plain `node` on a machine without a global pnpm (the README's Quick start), it is not: then
 * turbo runs under the pinned pnpm from npx (`npx -y pnpm@<version> exec turbo`), which puts pnpm on
 * PATH for it. npx has that pnpm cached from the install step.
 */
function turboCommand() {
  const turbo = join(root, 'node_modules', 'turbo', 'bin', 'turbo');
  if (spawnSync('pnpm', ['--version'], { stdio: 'ignore' }).status === 0) {
    return { command: process.execPath, args: [turbo] };
  }
  const { packageManager = 'pnpm@10' } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const pnpm = packageManager.split('+')[0];
  console.error(`start: pnpm is not on PATH; building with npx -y ${pnpm} exec turbo`);
  return { command: 'npx', args: ['-y', pnpm, 'exec', 'turbo'] };
}

if (build) {
  const filters = apps.flatMap((a) => ['--filter', `${a}...`]);
  const turbo = turboCommand();
  // One line per package as turbo starts it (hash-only), so a first build (about a minute) is not silent.
  console.error('start: building (the first build takes about a minute; later ones are cached)');
  const res = spawnSync(
    turbo.command,
    [...turbo.args, 'run', 'build', ...filters, '--output-logs=hash-only'],
    { cwd: root, stdio: 'inherit' },
  );
  if (res.status !== 0) {
    console.error('start: build failed');
    process.exit(res.status ?? 1);
  }
}

/** Node flags an app's entry asks for in its shebang (`#!/usr/bin/env -S node --flag`), so every way
 * of starting it (bin, pnpm start, Docker, bench) runs it the same. */
function shebangFlags(file) {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)+)\s*$/.exec(first);
  return m ? m[1].trim().split(/\s+/) : [];
}

const width = Math.max(...apps.map((a) => a.length));
const children = new Map();
let stopping = false;
let failed = false;

function prefix(name, stream, out) {
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const tag = `[${name.padEnd(width)}] `;
  rl.on('line', (line) => out.write(`${tag}${line}\n`));
}

for (const name of apps) {
  const main = join(root, 'apps', name, 'dist', 'main.js');
  if (!existsSync(main)) {
    console.error(`start: ${name}: ${main} is missing (run without --no-build)`);
    failed = true;
    continue;
  }
  // Each service gets its own process group so a terminal Ctrl+C reaches it once, through us.
  const child = spawn(process.execPath, [...shebangFlags(main), main, ...rest], {
    cwd: join(root, 'apps', name),
    env: {
      ...process.env,
      LOG_PRETTY: process.env.LOG_PRETTY ?? (process.stdout.isTTY ? '1' : '0'),
      // the prefix already names the service, so pretty lines leave it out
      LOG_PREFIXED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.set(name, child);
  prefix(name, child.stdout, process.stdout);
  prefix(name, child.stderr, process.stderr);
  child.on('error', (err) => {
    console.error(`[${name.padEnd(width)}] failed to start: ${err.message}`);
    failed = true;
  });
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (code !== 0) failed = true;
    if (!stopping) {
      console.error(
        `[${name.padEnd(width)}] exited (${signal ?? `code ${code}`}); the other services keep running`,
      );
    }
    if (children.size === 0) process.exit(failed ? 1 : 0);
  });
}

if (children.size === 0) process.exit(1);

function stop(signal) {
  if (stopping) {
    // Second Ctrl+C: do not wait for the drain.
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(1);
  }
  stopping = true;
  console.error(`start: ${signal} received, stopping ${children.size} service(s)...`);
  for (const child of children.values()) child.kill('SIGTERM');
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
// The services lead process groups of their own, so nothing else stops them if this script ends
// another way (an exception, process.exit): never leave one running without its supervisor.
process.on('exit', () => {
  for (const child of children.values()) child.kill('SIGKILL');
});
