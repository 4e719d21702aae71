import { ProtocolError, toChatError } from '@sockworks/error-codes';
import type { JsonObject } from '../src/protocol/messages.js';
import type { ChatCallContext, ChatPeer, ChatServiceHost, DeferredChatMethod } from '../src/server/types.js';

/** A peer that records what it was sent. */
export class FakePeer implements ChatPeer {
  readonly received: JsonObject[] = [];
  closedWith: JsonObject | undefined | null = null;
  constructor(
    readonly id: number,
    readonly remotePort: number | undefined = 40000 + id,
    readonly address = `127.0.0.1:${remotePort}`,
  ) {}
  close(finalMessage?: JsonObject): void {
    this.closedWith = finalMessage;
  }
}

/** An in-memory server for the chat service: calls handlers directly, records broadcasts per peer. */
export class FakeHost implements ChatServiceHost {
  readonly methods = new Map<string, (params: unknown, ctx: ChatCallContext) => JsonObject>();
  readonly #connect: ((p: ChatPeer) => void)[] = [];
  readonly #disconnect: ((p: ChatPeer) => void)[] = [];
  #nextId = 1;

  register<P, R extends JsonObject>(name: string, method: DeferredChatMethod<P, R>): void {
    this.methods.set(name, (params, ctx) => {
      const reply = method.handler(method.parseParams(params), ctx);
      // The in-memory engine answers at once, so every handler does.
      if (typeof (reply as PromiseLike<R>).then === 'function') throw new Error(`${name} answered later`);
      return reply as R;
    });
  }
  broadcast(message: JsonObject, recipients: Iterable<ChatPeer>): void {
    for (const p of recipients) (p as FakePeer).received.push(message);
  }
  onConnect(listener: (peer: ChatPeer) => void): void {
    this.#connect.push(listener);
  }
  onDisconnect(listener: (peer: ChatPeer) => void): void {
    this.#disconnect.push(listener);
  }

  connect(port?: number): FakePeer {
    const peer = new FakePeer(this.#nextId++, port);
    for (const l of this.#connect) l(peer);
    return peer;
  }
  disconnect(peer: FakePeer): void {
    for (const l of this.#disconnect) l(peer);
  }

  /** Calls `method` as the server would; errors come back in the chat wire shape. */
  call(peer: FakePeer, method: string, params?: unknown): JsonObject {
    const def = this.methods.get(method);
    if (!def) throw new Error(`no method ${method}`);
    const after: (() => void)[] = [];
    let reply: JsonObject;
    try {
      reply = def(params, { peer, afterReply: (fn) => after.push(fn) });
    } catch (err) {
      if (ProtocolError.is(err) && typeof err.code === 'number')
        return { error: err.message, code: err.code };
      return { ...toChatError(err) };
    }
    for (const fn of after) fn();
    return reply;
  }
}
