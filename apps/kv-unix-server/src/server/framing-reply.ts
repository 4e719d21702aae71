import { KvErrorCode } from '@sockworks/error-codes';
import { type FramingError, FramingErrorCode, looksLikeHttpRequest } from '@sockworks/framing';
import type { LazyConnectionLogger } from '@sockworks/logging';
import type { RequestHandler } from './request-handler.js';

/** The reply to a line the decoder could not turn into a request, and whether to close after it. */
export function framingReply(
  error: FramingError,
  handler: RequestHandler,
  log: LazyConnectionLogger,
): { line: string; close: boolean; code: KvErrorCode } {
  const reply = (code: KvErrorCode, message: string, close: boolean) => ({
    line: handler.error(code, message),
    close,
    code,
  });
  switch (error.code) {
    case FramingErrorCode.FRAME_TOO_LARGE:
      log.logger.warn({ input: error.excerpt }, 'request line too long; closing');
      return reply(KvErrorCode.MESSAGE_TOO_LARGE, error.message, true);
    case FramingErrorCode.MESSAGE_TIMEOUT:
      return reply(KvErrorCode.MESSAGE_TIMEOUT, error.message, true);
    case FramingErrorCode.PARTIAL_BUDGET_EXCEEDED:
      return reply(KvErrorCode.PARTIAL_BUDGET_EXCEEDED, error.message, true);
    case FramingErrorCode.INVALID_JSON:
      if (error.excerpt !== undefined && looksLikeHttpRequest(error.excerpt)) {
        log.logger.warn({ input: error.excerpt }, 'HTTP request on the JSON socket; closing');
        return reply(
          KvErrorCode.PROTOCOL_MISMATCH,
          'This is a newline-delimited JSON server, not an HTTP server',
          true,
        );
      }
      if (log.enabled('debug')) log.logger.debug({ input: error.excerpt }, 'invalid JSON');
      return reply(KvErrorCode.INVALID_JSON, 'Message is not valid JSON', false);
    default:
      // INVALID_UTF8 and TOO_DEEP: the line is unusable but framing is intact.
      if (log.enabled('debug')) {
        log.logger.debug({ input: error.excerpt, code: error.code }, 'undecodable line');
      }
      return reply(KvErrorCode.INVALID_JSON, error.message, error.fatal);
  }
}
