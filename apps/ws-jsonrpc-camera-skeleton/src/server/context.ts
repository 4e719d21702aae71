import type { Logger } from '@sockworks/logging';

/** What every JSON-RPC method handler receives besides its parameters: one object per connection. */
export interface RpcContext {
  /** Connection id, unique within one server process. */
  readonly connectionId: number;
  /** Remote address of the client, `host:port`. */
  readonly remote: string;
  /** The connection's child logger (carries `conn` and `remote`). */
  readonly logger: Logger;
}
