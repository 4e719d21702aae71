import type { RequestLogTarget, RequestRecorder } from './request-recorder.js';

/** The part of a JSON-RPC response the observer reads (structural: no dependency on the engine). */
interface ErrorLike {
  code: number;
  data?: unknown;
}

/**
 * A JsonRpcEngine `observer` (from `@sockworks/jsonrpc`) reporting each request to `recorder`:
 * `method` is the request's method, `id` its id, `code` `ok` or the error's code (a string code an app
 * put in `error.data.code` wins over the numeric JSON-RPC code). `logTarget(ctx)` gives the logger of
 * the connection that sent it.
 */
export function jsonRpcObserver<C>(
  recorder: RequestRecorder,
  logTarget: (ctx: C) => RequestLogTarget | undefined,
): {
  start(): number;
  finish(started: number, request: unknown, response: object | undefined, ctx: C): void;
} {
  return {
    start: () => recorder.start(),
    finish(started, request, response, ctx) {
      const req = typeof request === 'object' && request !== null ? (request as Record<string, unknown>) : {};
      const method = typeof req.method === 'string' ? req.method : '';
      recorder.finish(started, method, codeOf(response), req.id, logTarget(ctx));
    },
  };
}

function codeOf(response: object | undefined): string {
  if (response === undefined || !('error' in response)) return 'ok';
  const error = response.error as ErrorLike;
  const data = error.data;
  if (typeof data === 'object' && data !== null && typeof (data as { code?: unknown }).code === 'string') {
    return (data as { code: string }).code;
  }
  return String(error.code);
}
