import type { Logger } from '@sockworks/logging';
import { SYSTEM_USERNAME } from '../../protocol/constants.js';
import { type JsonObject, systemMessage } from '../../protocol/messages.js';
import type { ChatPeer, ChatServiceHost } from '../types.js';
import type { ChatEngine, ChatEngineEvent, ProtocolLevel } from './engine/types.js';
import { isThenable, type MaybePromise } from './flow.js';
import { compareMessageIds } from './message-id.js';

/** One joined connection of this instance, as the hub delivers to it. */
export interface LocalMember {
  readonly peer: ChatPeer;
  readonly userKey: string;
  readonly token: string;
  readonly protocol: ProtocolLevel;
  /** Names this attachment of the session (a takeover says which one stays). */
  readonly attachId: string;
  /** While set, events for this member wait here: its resume replay is being sent first. */
  held: ChatEngineEvent[] | undefined;
}

/** Most events held back for one member during its replay; past it the member is disconnected. */
export const MAX_HELD_EVENTS = 10_000;

interface ChannelMembers {
  readonly spec: Set<LocalMember>;
  readonly v2: Set<LocalMember>;
}

/**
 * Delivers engine events to this instance's connections. It subscribes to a channel while at least
 * one local member is on it (one subscription per channel, however many members), builds each
 * event's wire form once per protocol level, and lets the server write the same bytes to every
 * recipient. Events for a member whose replay is in progress are held and sent after it.
 */
export class LocalHub {
  readonly #host: ChatServiceHost;
  readonly #engine: ChatEngine;
  readonly #log: Logger;
  readonly #channels = new Map<string, ChannelMembers>();
  readonly #onTakeover: (member: LocalMember) => void;

  constructor(
    host: ChatServiceHost,
    engine: ChatEngine,
    logger: Logger,
    onTakeover: (member: LocalMember) => void,
  ) {
    this.#host = host;
    this.#engine = engine;
    this.#log = logger;
    this.#onTakeover = onTakeover;
    engine.onEvent((channel, event) => this.#deliver(channel, event));
  }

  /** Puts `member` on `channels`, subscribing to the ones no local member was on. */
  add(member: LocalMember, channels: Iterable<string>): MaybePromise<void> {
    const subscribing: MaybePromise<void>[] = [];
    for (const channel of channels) {
      let members = this.#channels.get(channel);
      if (!members) {
        members = { spec: new Set(), v2: new Set() };
        this.#channels.set(channel, members);
        subscribing.push(this.#engine.subscribe(channel));
      }
      (member.protocol === 2 ? members.v2 : members.spec).add(member);
    }
    return allOf(subscribing);
  }

  /** Takes `member` off `channels`, unsubscribing from the ones no local member is left on. */
  remove(member: LocalMember, channels: Iterable<string>): MaybePromise<void> {
    const unsubscribing: MaybePromise<void>[] = [];
    for (const channel of channels) {
      const members = this.#channels.get(channel);
      if (!members) continue;
      members.spec.delete(member);
      members.v2.delete(member);
      if (members.spec.size === 0 && members.v2.size === 0) {
        this.#channels.delete(channel);
        unsubscribing.push(this.#engine.unsubscribe(channel));
      }
    }
    return allOf(unsubscribing);
  }

  /**
   * Ends `member`'s hold: sends what arrived during its replay, skipping chat messages of a room
   * whose id is not after `cutoff(room key)` (the replay or the client already had them).
   */
  release(member: LocalMember, cutoff: (roomKey: string) => string | undefined = () => undefined): void {
    const held = member.held;
    member.held = undefined;
    for (const event of held ?? []) {
      if (event.kind === 'chat') {
        const last = cutoff(event.roomKey);
        if (last !== undefined && compareMessageIds(event.message.id, last) <= 0) continue;
      }
      const form = wireForm(event, member.protocol);
      if (form !== undefined) this.#host.broadcast(form, [member.peer]);
    }
  }

  #deliver(channel: string, event: ChatEngineEvent): void {
    const members = this.#channels.get(channel);
    if (!members) return;
    if (event.kind === 'takeover') {
      for (const member of [...members.v2, ...members.spec])
        if (member.token === event.token && member.attachId !== event.by) this.#onTakeover(member);
      return;
    }
    const except = 'from' in event ? event.from : undefined;
    if (members.v2.size > 0) {
      const form = wireForm(event, 2);
      if (form !== undefined) this.#host.broadcast(form, this.#recipients(members.v2, except, event));
    }
    if (members.spec.size > 0) {
      const form = wireForm(event, 1);
      if (form !== undefined) this.#host.broadcast(form, this.#recipients(members.spec, except, event));
    }
  }

  *#recipients(
    members: Set<LocalMember>,
    except: string | undefined,
    event: ChatEngineEvent,
  ): Generator<ChatPeer> {
    for (const member of members) {
      if (member.userKey === except) continue;
      if (member.held === undefined) {
        yield member.peer;
        continue;
      }
      member.held.push(event);
      if (member.held.length > MAX_HELD_EVENTS) {
        this.#log.warn({ conn: member.peer.id }, 'too many messages held during a replay; disconnecting');
        member.held = [];
        member.peer.close();
      }
    }
  }
}

/**
 * What a member of `protocol` level receives for `event` (undefined: nothing). Protocol 1 gets
 * exactly the spec's shapes and only the spec's kinds (chat and room-less system notices).
 */
export function wireForm(event: ChatEngineEvent, protocol: ProtocolLevel): JsonObject | undefined {
  switch (event.kind) {
    case 'chat':
      // The stored message is the protocol-2 form; the spec's form is built once per delivery.
      return protocol === 2
        ? event.message
        : { type: 'chat', message: event.message.message, username: event.message.username };
    case 'notice':
      if (event.room === undefined) return systemMessage(event.text);
      return protocol === 2
        ? { type: 'system', room: event.room, message: event.text, username: SYSTEM_USERNAME }
        : undefined;
    case 'typing':
      return protocol === 2 ? { type: 'typing', room: event.room, username: event.username } : undefined;
    case 'read':
      return protocol === 2
        ? { type: 'read', room: event.room, username: event.username, id: event.id }
        : undefined;
    case 'presence':
      return protocol === 2
        ? { type: 'presence', username: event.username, status: event.status, text: event.text }
        : undefined;
    case 'private':
      return protocol === 2 ? event.message : undefined;
    case 'takeover':
      return undefined;
  }
}

function allOf(values: MaybePromise<void>[]): MaybePromise<void> {
  const later = values.filter(isThenable);
  if (later.length > 0) return Promise.all(later).then(() => undefined);
}
