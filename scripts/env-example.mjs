#!/usr/bin/env node
// Writes .env.example from every app's --help, so the list of environment variables cannot drift
// from the code. `node scripts/env-example.mjs --check` exits 1 when the file is out of date.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const apps = readdirSync(join(root, 'apps')).sort();

/** Option lines of a --help text: description, default and env var. */
function options(help) {
  const out = [];
  // An option's description may wrap onto the next line; join continuation lines first. A switch
  // (boolean) shows as `--flag, --no-flag`.
  const lines = help.split('\n Examples:')[0].split('\n');
  const joined = [];
  for (const line of lines) {
    if (/^\s{6,}\S/.test(line) && !/^\s+(-\w, )?--/.test(line) && joined.length) {
      joined[joined.length - 1] += ` ${line.trim()}`;
    } else joined.push(line);
  }
  for (const line of joined) {
    const m =
      /^\s+(?:-\w, )?(--[\w-]+)(?: <[^>]+>|, --no-[\w-]+)?\s+(.*)\((?:default: (.*?), )?env: ([A-Z0-9_]+)\)\s*$/.exec(
        line,
      );
    if (m) out.push({ flag: m[1], description: m[2].trim(), def: m[3] ?? '', env: m[4] });
  }
  return out;
}

const sections = [
  '# Environment variables of every sockworks service, generated from their --help by',
  '# scripts/env-example.mjs. Copy to .env (docker compose reads it) or export them before `pnpm start`.',
  '# Every line is commented out: the value shown is the default.',
  '',
];
const seen = new Set();
for (const app of apps) {
  const help = execFileSync(
    process.execPath,
    ['--conditions=sockworks-source', '--import', tsx, join(root, 'apps', app, 'src', 'main.ts'), '--help'],
    {
      encoding: 'utf8',
    },
  );
  sections.push(`# --- ${app} ---`);
  for (const o of options(help)) {
    const shared = seen.has(o.env) ? ' (shared by every service)' : '';
    sections.push(`# ${o.description} [${o.flag}]${shared}`);
    sections.push(`# ${o.env}=${o.def}`);
    seen.add(o.env);
  }
  sections.push('');
}
sections.push('# --- docker compose only: host ports the TCP services are published on (127.0.0.1) ---');
for (const v of [
  'CHAT_PUBLISH_PORT=65432',
  'TCP_PUBLISH_PORT=9999',
  'WS_PUBLISH_PORT=8002',
  'HTTP_PUBLISH_PORT=8080',
]) {
  sections.push(`# ${v}`);
}
sections.push(
  '# --- every service ---',
  '# LOG_PRETTY=1 forces human-readable logs even when stdout is not a terminal',
  '# LOG_PRETTY=',
  '',
);
const text = sections.join('\n');
const file = join(root, '.env.example');
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('.env.example is out of date: run node scripts/env-example.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
