import type { JsonObject } from '../protocol/messages.js';

/** One connected client as the server shows it to the handlers: no socket, just identity. */
export interface ChatPeer {
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
export interface ChatCallContext {
  readonly peer: ChatPeer;
  /** Runs `fn` once the reply to this call has been queued on the caller's socket. */
  afterReply(fn: () => void): void;
}

/**
 * One method: `parseParams` validates the raw `params` (throwing an INVALID_PARAMS ProtocolError),
 * `handler` returns the success reply or throws a ProtocolError carrying a business or JSON-RPC code.
 */
export interface ChatMethod<P = unknown, R extends JsonObject = JsonObject> {
  description?: string;
  parseParams(params: unknown): P;
  handler(params: P, ctx: ChatCallContext): R;
}

/**
 * A method whose handler may also answer later, with a promise that resolves to the reply or
 * rejects like a throwing handler (the chat methods do when their engine is not in memory).
 * Replies keep request order either way.
 */
export interface DeferredChatMethod<P = unknown, R extends JsonObject = JsonObject>
  extends Omit<ChatMethod<P, R>, 'handler'> {
  handler(params: P, ctx: ChatCallContext): R | PromiseLike<R>;
}

/** What the chat service needs from its server (ChatServer; FakeHost in tests). */
export interface ChatServiceHost {
  /** Routes requests for `name` to `method`. */
  register<P, R extends JsonObject>(name: string, method: DeferredChatMethod<P, R>): void;
  /** Sends `message` to each recipient; serialised once per wire form, whatever the count. */
  broadcast(message: JsonObject, recipients: Iterable<ChatPeer>): void;
  /** Called for every accepted connection. */
  onConnect(listener: (peer: ChatPeer) => void): void;
  /** Called once when a connection is gone, whatever the reason. */
  onDisconnect(listener: (peer: ChatPeer) => void): void;
  /**
   * Sends `messages` to one peer in order, waiting for its socket to drain instead of passing the
   * output cap (a resume replay). Without it they go out one by one through `broadcast`.
   */
  sendInOrder?(peer: ChatPeer, messages: readonly JsonObject[]): Promise<void>;
}

/** Identity helper that keeps the parameter and reply types of a method definition. */
export function defineChatMethod<P, R extends JsonObject>(
  method: DeferredChatMethod<P, R>,
): DeferredChatMethod<P, R> {
  return method;
}
