import { SYSTEM_USERNAME } from './constants.js';

/** A JSON object as it travels on the wire. */
export type JsonObject = { [key: string]: unknown };

/** A chat message as broadcast to the other users. */
export interface ChatBroadcast extends JsonObject {
  type: 'chat';
  message: string;
  username: string;
}

/** A server notice (join, leave, welcome, shutdown, idle timeout). */
export interface SystemBroadcast extends JsonObject {
  type: 'system';
  message: string;
  username: typeof SYSTEM_USERNAME;
  code?: string;
}

/** A user's presence status (protocol 2). */
export type PresenceStatus = 'online' | 'away' | 'busy';

/**
 * A chat message as protocol 2 delivers it, stores it and returns it from `get_history`: the
 * spec's chat broadcast plus `room`, `id` (`"<ms>-<seq>"`, ordered) and `timestamp` (ms).
 */
export interface RoomChatMessage extends JsonObject {
  readonly type: 'chat';
  readonly room: string;
  readonly id: string;
  readonly username: string;
  readonly message: string;
  readonly timestamp: number;
}

/** A private message, to its recipient only (protocol 2). */
export interface PrivateChatMessage extends JsonObject {
  readonly type: 'private';
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly message: string;
  readonly timestamp: number;
}

/** A notice about one room (joins and leaves of `join_room`/`leave_room`; protocol 2). */
export interface RoomSystemBroadcast extends JsonObject {
  type: 'system';
  room: string;
  message: string;
  username: typeof SYSTEM_USERNAME;
}

/** Someone's new status (protocol 2). */
export interface PresenceBroadcast extends JsonObject {
  type: 'presence';
  username: string;
  status: PresenceStatus;
  text: string;
}

/** Someone is typing in a room (protocol 2). */
export interface TypingBroadcast extends JsonObject {
  type: 'typing';
  room: string;
  username: string;
}

/** Someone has read a room up to a message (protocol 2). */
export interface ReadBroadcast extends JsonObject {
  type: 'read';
  room: string;
  username: string;
  id: string;
}

/** Builds a chat broadcast. */
export function chatMessage(username: string, message: string): ChatBroadcast {
  return { type: 'chat', message, username };
}

/** Builds a system broadcast, optionally tagged with a stable code. */
export function systemMessage(message: string, code?: string): SystemBroadcast {
  return code === undefined
    ? { type: 'system', message, username: SYSTEM_USERNAME }
    : { type: 'system', message, username: SYSTEM_USERNAME, code };
}

/** The texts of the spec's system messages. */
export const SystemText = {
  welcome: (name: string) => `Welcome to the chat, ${name}!`,
  joined: (name: string) => `${name} has joined the chat!`,
  left: (name: string) => `${name} has left the chat!`,
  shuttingDown: 'Server is shutting down',
  joinedRoom: (name: string, room: string) => `${name} has joined ${room}`,
  leftRoom: (name: string, room: string) => `${name} has left ${room}`,
  takenOver: 'Session resumed on another connection',
  idleTimeout: (ms: number) =>
    `Disconnected: no join_chat within ${ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`}`,
} as const;
