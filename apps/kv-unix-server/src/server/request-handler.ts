import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { type LazyConnectionLogger, truncateForLog } from '@sockworks/logging';
import type { RequestRecorder } from '@sockworks/metrics';
import { IsoClock } from '@sockworks/service';
import { parseRequest, peekRequestId, type RequestId } from '../protocol/messages.js';
import type { CommandContext } from './commands/registry.js';
import { encodeReply, errorReply, successReply } from './reply.js';

/**
 * Turns one decoded request into one reply line. Pure with respect to sockets: the connection feeds
 * it messages and writes what it returns. Every request takes the same path: validate, dispatch to
 * the command's handler, serialise the reply with `encodeReply`.
 */
export class RequestHandler {
  readonly #ctx: CommandContext;
  readonly #clock: IsoClock;
  readonly #recorder: RequestRecorder | undefined;

  /**
   * `clockMs` reads the clock for reply timestamps without allocating a Date (default: `ctx.now()`);
   * `recorder` times and counts every request (metrics, request log).
   */
  constructor(ctx: CommandContext, clockMs?: () => number, recorder?: RequestRecorder) {
    this.#ctx = ctx;
    this.#clock = new IsoClock(clockMs ?? (() => ctx.now().getTime()));
    this.#recorder = recorder?.active === true ? recorder : undefined;
  }

  /** ISO 8601 timestamp of now, formatted at most once per millisecond. */
  timestamp(): string {
    return this.#clock.iso();
  }

  /**
   * The reply line for one decoded message; never throws. `timestamp` is the reply's (a connection
   * reads the clock once for all the replies it answers in one go). A Promise of the line (which
   * never rejects) when the command waits for a shared store; a string otherwise.
   */
  handle(
    message: unknown,
    log: LazyConnectionLogger,
    timestamp = this.timestamp(),
  ): string | Promise<string> {
    let requestId: RequestId | undefined;
    let command = '';
    const recorder = this.#recorder;
    const started = recorder === undefined ? 0 : recorder.start();
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
      const data = definition.handler(request.data, this.#ctx);
      if (data instanceof Promise) {
        const id = requestId;
        return data.then(
          (value) => {
            const line = encodeReply(successReply(id, timestamp, value));
            if (recorder !== undefined) {
              recorder.finish(started, command, 'ok', id, log);
              recorder.metrics?.sent('success');
            }
            return line;
          },
          (err: unknown) => {
            if (recorder !== undefined) {
              const code =
                ProtocolError.is(err) && typeof err.code === 'string' ? err.code : KvErrorCode.INTERNAL_ERROR;
              recorder.finish(started, command, code, id, log);
              recorder.metrics?.sent('error');
            }
            return this.#failure(err, id, command, log, timestamp);
          },
        );
      }
      const line = encodeReply(successReply(requestId, timestamp, data));
      if (recorder !== undefined) {
        recorder.finish(started, command, 'ok', requestId, log);
        recorder.metrics?.sent('success');
      }
      return line;
    } catch (err) {
      const id = requestId ?? peekRequestId(message);
      const code =
        ProtocolError.is(err) && typeof err.code === 'string' ? err.code : KvErrorCode.INTERNAL_ERROR;
      if (recorder !== undefined) {
        recorder.finish(started, command, code, id, log);
        recorder.metrics?.sent('error');
      }
      return this.#failure(err, id, command, log, timestamp);
    }
  }

  /** An error reply line with a known code. */
  error(code: KvErrorCode, message: string, requestId?: RequestId, timestamp = this.timestamp()): string {
    return encodeReply(errorReply(requestId, timestamp, code, message));
  }

  #failure(
    err: unknown,
    requestId: RequestId | undefined,
    command: string,
    log: LazyConnectionLogger,
    timestamp: string,
  ): string {
    if (ProtocolError.is(err) && typeof err.code === 'string') {
      return encodeReply(errorReply(requestId, timestamp, err.code, err.message));
    }
    // A handler bug (or a value JSON cannot serialise): log it, keep the details off the wire.
    log.logger.error({ err, command: truncateForLog(command) }, 'command failed with an internal error');
    return encodeReply(errorReply(requestId, timestamp, KvErrorCode.INTERNAL_ERROR, 'Internal server error'));
  }
}
