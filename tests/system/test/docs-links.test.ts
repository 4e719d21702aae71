import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

/** Every Markdown file of the repository (not dependencies, builds or benchmark results). */
function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) markdownFiles(path, out);
    else if (entry.name.endsWith('.md')) out.push(path);
  }
  return out;
}

const LINK = /\]\(([^)\s]+)\)/g;

describe('documentation links', () => {
  it('every relative link points at a file inside the repository that exists', () => {
    const problems: string[] = [];
    for (const file of markdownFiles(ROOT)) {
      for (const match of readFileSync(file, 'utf8').matchAll(LINK)) {
        const target = match[1] ?? '';
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const path = resolve(dirname(file), decodeURI(target.split('#')[0] ?? ''));
        const where = `${relative(ROOT, file)}: ${target}`;
        if (relative(ROOT, path).startsWith('..')) problems.push(`${where} leaves the repository`);
        else if (!existsSync(path)) problems.push(`${where} does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });
});
