/**
 * The slice of a pino logger the engine uses, so any `@sockworks/logging` (pino) logger fits without
 * this package depending on pino.
 */
export interface JsonRpcLogger {
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

const noop = (): void => {};

/** A logger that drops everything: the default, libraries stay silent unless given a logger. */
export const silentJsonRpcLogger: JsonRpcLogger = { error: noop, debug: noop };
