import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

/** One file of the web client, held in memory (three small files, read once at start). */
interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** The bundle the build writes to dist/web (src/web/, see web-bundle.ts), by URL path. */
const FILES: Readonly<Record<string, { name: string; type: string }>> = {
  '/': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { name: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { name: 'app.css', type: 'text/css; charset=utf-8' },
};

/** The web client's files; serves them with their content type, an ETag and revalidation. */
export class StaticFiles {
  readonly #files = new Map<string, StaticFile>();
  /** Why the client cannot be served (not built), or undefined. */
  readonly missing: string | undefined;

  private constructor(files: Map<string, StaticFile>, missing: string | undefined) {
    this.#files = files;
    this.missing = missing;
  }

  /** Reads the files from `root`; a missing file is reported in `missing`, not thrown (the API still works). */
  static async load(root: string | undefined): Promise<StaticFiles> {
    const files = new Map<string, StaticFile>();
    if (root === undefined) return new StaticFiles(files, 'no web client directory configured');
    const byName = new Map<string, StaticFile>();
    try {
      for (const [path, { name, type }] of Object.entries(FILES)) {
        let file = byName.get(name);
        if (file === undefined) {
          const body = await readFile(join(root, name));
          const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
          file = { body, type, etag };
          byName.set(name, file);
        }
        files.set(path, file);
      }
    } catch (err) {
      return new StaticFiles(new Map(), `web client not built in ${root} (${(err as Error).message})`);
    }
    return new StaticFiles(files, undefined);
  }

  /** True when `path` is one of the client's files. */
  has(path: string): boolean {
    return Object.hasOwn(FILES, path);
  }

  /** Answers GET/HEAD of `path` (one of the client's files); false when the client is not available. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const file = this.#files.get(path);
    if (file === undefined) return false;
    // Not content-hashed names, so every use revalidates; the ETag makes that a 304 without a body.
    const headers = { 'Content-Type': file.type, 'Cache-Control': 'no-cache', ETag: file.etag };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  }
}
