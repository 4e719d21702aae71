import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';
import { ErrorReply } from 'redis';

/**
 * True for an error that means "Redis could not be asked" (offline, closed, timed out, the socket
 * dropped), as opposed to a reply Redis sent (`ErrorReply`), which is a bug or a limit to report.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (ProtocolError.is(err)) return err.code === ServiceErrorCode.UNAVAILABLE;
  if (err instanceof ErrorReply) {
    // A cluster without a slot's owner, or a replica still loading, answers with these.
    return /^(CLUSTERDOWN|LOADING|TRYAGAIN|MASTERDOWN|READONLY)\b/.test(err.message);
  }
  return err instanceof Error;
}

/**
 * The client-facing form of a Redis failure: `UNAVAILABLE` for "Redis could not be asked", with a
 * fixed message (the cause is kept for logs); anything else is returned as it is.
 */
export function toUnavailable(err: unknown): unknown {
  if (ProtocolError.is(err) || !isRedisUnavailable(err)) return err;
  return new ProtocolError(
    ServiceErrorCode.UNAVAILABLE,
    'Shared state (Redis) is unavailable; try again later',
    {
      cause: err,
    },
  );
}

/** Awaits `promise`, turning a Redis failure into an `UNAVAILABLE` ProtocolError. */
export async function orUnavailable<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw toUnavailable(err);
  }
}
