import { ProtocolError, ServiceErrorCode } from '@sockworks/error-codes';

/** A bad flag, environment variable or option value; `message` is one line naming the option. */
export class ConfigError extends ProtocolError<typeof ServiceErrorCode.INVALID_CONFIG> {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ServiceErrorCode.INVALID_CONFIG, message, options);
  }

  /** True for a ConfigError, or any ProtocolError carrying INVALID_CONFIG (works across package copies). */
  static isConfigError(value: unknown): value is ConfigError {
    return ProtocolError.is(value) && value.code === ServiceErrorCode.INVALID_CONFIG;
  }
}
