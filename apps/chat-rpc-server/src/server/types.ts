import type { JsonObject } from '../protocol/messages.js';

/** One connected client as the transport shows it to the layer above: no socket, just identity. */
export interface RpcPeer {
  /** Connection id, unique for the server's lifetime. */
  readonly id: number;
  /** Remote address as `host:port`. */
  readonly address: string;
  /** Remote TCP port, when known. */
  readonly remotePort: number | undefined;
  /** Sends `finalMessage` (if any) as a notification, then ends the connection. */
  close(finalMessage?: JsonObject): void;
}

/** What a handler learns about the call it serves. */
export interface RpcCallContext {
  readonly peer: RpcPeer;
  /** Runs `fn` once the reply to this call has been queued on the caller's socket. */
  afterReply(fn: () => void): void;
}

/**
 * One method: `parseParams` validates the raw `params` (throwing an INVALID_PARAMS ProtocolError),
 * `handler` returns the success reply or throws a ProtocolError carrying a business or JSON-RPC code.
 */
export interface RpcMethod<P = unknown, R extends JsonObject = JsonObject> {
  description?: string;
  parseParams(params: unknown): P;
  handler(params: P, ctx: RpcCallContext): R;
}

/** The transport's face towards the chat layer: register methods, observe peers, broadcast. */
export interface RpcTransport {
  /** Routes requests for `name` to `method`. */
  register<P, R extends JsonObject>(name: string, method: RpcMethod<P, R>): void;
  /** Sends `message` to each recipient; serialised once per wire form, whatever the count. */
  broadcast(message: JsonObject, recipients: Iterable<RpcPeer>): void;
  /** Called for every accepted connection. */
  onConnect(listener: (peer: RpcPeer) => void): void;
  /** Called once when a connection is gone, whatever the reason. */
  onDisconnect(listener: (peer: RpcPeer) => void): void;
}

/** Identity helper that keeps the parameter and reply types of a method definition. */
export function defineRpcMethod<P, R extends JsonObject>(method: RpcMethod<P, R>): RpcMethod<P, R> {
  return method;
}
