/** A value now, or later: what an engine call returns (the in-memory engine answers now, Redis later). */
export type MaybePromise<T> = T | PromiseLike<T>;

/** Waits for `value` inside a {@link flow} body: `const users = yield* wait(engine.listUsers())`. */
export function* wait<T>(value: MaybePromise<T>): Generator<MaybePromise<T>, T, T> {
  return yield value;
}

/** The body of a {@link flow}: a generator that yields only through {@link wait}. */
export type Flow<T> = Generator<unknown, T, never>;

/** Whether `value` is a promise (or any thenable). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/**
 * Runs `body` synchronously for as long as what it waits for is already there, and returns a promise
 * only from the first value that is not. With the in-memory engine a whole handler therefore runs in
 * one go (the reply is sent in the same tick, as before the engine existed, and a thrown error is
 * thrown, not a rejection); with an engine that answers later the same code becomes asynchronous.
 * `async` functions cannot do this (they always return a promise and resume in a later microtask),
 * and the libraries that come close (gensync) make the caller pick sync or async up front.
 */
export function flow<T>(body: Flow<T>): MaybePromise<T> {
  return resume(body, undefined, false);
}

function resume<T>(body: Flow<T>, input: unknown, failed: boolean): MaybePromise<T> {
  let value = input;
  let threw = failed;
  for (;;) {
    // `wait` is the only thing that yields, and it hands back exactly what it was resumed with.
    const step = threw ? body.throw(value) : body.next(value as never);
    if (step.done) return step.value;
    if (isThenable(step.value)) {
      return Promise.resolve(step.value).then(
        (result) => resume(body, result, false),
        (error: unknown) => resume(body, error, true),
      );
    }
    value = step.value;
    threw = false;
  }
}

/** Calls `then` with `value` now if it is there, else when it arrives. */
export function andThen<T, U>(value: MaybePromise<T>, then: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isThenable(value) ? Promise.resolve(value).then(then) : then(value);
}

/** Runs `fn` and reports a failure (a thrown error or a rejection) to `onError` instead of throwing. */
export function runDetached(fn: () => MaybePromise<unknown>, onError: (err: unknown) => void): void {
  try {
    const result = fn();
    if (isThenable(result)) Promise.resolve(result).catch(onError);
  } catch (err) {
    onError(err);
  }
}
