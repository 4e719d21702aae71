import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { truncateForLog } from '@sockworks/logging';
import { parseRequest, peekRequestId, type RequestId } from '../protocol/messages.js';
import type { CommandContext } from './commands/registry.js';
import type { KvConnectionLog } from './connection-log.js';
import { ReplyEnvelope } from './reply.js';

/**
 * Turns one decoded request into one reply line. Pure with respect to sockets: the connection feeds
 * it messages and writes what it returns.
 */
export class RequestHandler {
  readonly #ctx: CommandContext;
  readonly #clockMs: () => number;
  #stampMs = -1;
  #envelope = new ReplyEnvelope('');

  /** `clockMs` reads the clock for reply timestamps without allocating a Date (default: `ctx.now()`). */
  constructor(ctx: CommandContext, clockMs?: () => number) {
    this.#ctx = ctx;
    this.#clockMs = clockMs ?? (() => ctx.now().getTime());
  }

  /** ISO 8601 timestamp of now, formatted at most once per millisecond. */
  timestamp(): string {
    return this.#now().timestamp;
  }

  /** The reply envelope for now: rebuilt at most once per millisecond, shared by every reply in it. */
  #now(): ReplyEnvelope {
    const ms = this.#clockMs();
    if (ms !== this.#stampMs) {
      this.#stampMs = ms;
      this.#envelope = new ReplyEnvelope(new Date(ms).toISOString());
    }
    return this.#envelope;
  }

  /** The reply line for one decoded message; never throws. */
  handle(message: unknown, log: KvConnectionLog): string {
    let requestId: RequestId | undefined;
    let command = '';
    try {
      const request = parseRequest(message);
      requestId = request.requestId;
      command = request.command;
      if (log.enabled('debug')) {
        const id = typeof requestId === 'string' ? truncateForLog(requestId) : requestId;
        log.logger.debug({ command: truncateForLog(command), request_id: id }, 'command');
      }
      const definition = this.#ctx.registry.get(command);
      if (definition === undefined) {
        throw new ProtocolError(
          KvErrorCode.UNKNOWN_COMMAND,
          `Unknown command: ${truncateForLog(command, 100)}`,
        );
      }
      return this.#now().success(requestId, definition.handler(request.data, this.#ctx));
    } catch (err) {
      return this.#failure(err, requestId ?? peekRequestId(message), command, log);
    }
  }

  /** An error reply line with a known code. */
  error(code: KvErrorCode, message: string, requestId?: RequestId): string {
    return this.#now().error(requestId, code, message);
  }

  #failure(err: unknown, requestId: RequestId | undefined, command: string, log: KvConnectionLog): string {
    if (ProtocolError.is(err) && typeof err.code === 'string') {
      return this.#now().error(requestId, err.code, err.message);
    }
    // A handler bug (or a value JSON cannot serialise): log it, keep the details off the wire.
    log.logger.error({ err, command: truncateForLog(command) }, 'command failed with an internal error');
    return this.#now().error(requestId, KvErrorCode.INTERNAL_ERROR, 'Internal server error');
  }
}
