export { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from '@sockworks/service';
export { HELP_TEXT, type InteractiveOptions, runInteractiveClient } from './cli/interactive.js';
export { neutralize } from './cli/sanitize.js';
export { ChatClient } from './client/client.js';
export { compareIds } from './client/resume.js';
export type {
  ChatClientEvents,
  ChatClientOptions,
  ChatEvent,
  HistoryMessage,
  HistoryOptions,
  HistoryResult,
  JoinResult,
  PresenceEvent,
  PrivateEvent,
  ReadEvent,
  RoomEntry,
  RoomJoinResult,
  SentMessage,
  SentPrivate,
  SystemEvent,
  TypingEvent,
  UserInfo,
  UsersOptions,
} from './client/types.js';
export { DEFAULT_HOST, DEFAULT_PORT, SYSTEM_USERNAME } from './protocol/constants.js';
export {
  type ChatBroadcast,
  chatMessage,
  type JsonObject,
  type PresenceBroadcast,
  type PresenceStatus,
  type PrivateChatMessage,
  type ReadBroadcast,
  type RoomChatMessage,
  type RoomSystemBroadcast,
  type SystemBroadcast,
  SystemText,
  systemMessage,
  type TypingBroadcast,
} from './protocol/messages.js';
export {
  type ChatOptions,
  DEFAULT_CHAT_OPTIONS,
  type DuplicateNamePolicy,
} from './server/chat/chat-options.js';
export {
  ChatService,
  type ChatSession,
  type DetailedUsersReply,
  type UsersReply,
} from './server/chat/chat-service.js';
export { MemoryEngine, type MemoryEngineOptions } from './server/chat/engine/memory-engine.js';
export {
  type ChatEngine,
  type ChatEngineEvent,
  type ClaimedSession,
  type HistoryPage,
  type HistorySince,
  type OnlineUser,
  PRESENCE_STATUSES,
  type ProtocolLevel,
  type RoomInfo,
  type RoomJoinRefusal,
  type RoomRef,
  roomChannel,
  type SessionRecord,
  type StoredMessage,
  userChannel,
} from './server/chat/engine/types.js';
export { flow, type MaybePromise, wait } from './server/chat/flow.js';
export { compareMessageIds, MessageIdGenerator, parseMessageId } from './server/chat/message-id.js';
export { type Clock, TokenBucket, type TokenBucketOptions } from './server/chat/token-bucket.js';
export {
  codePointLength,
  DEFAULT_TEXT_LIMITS,
  GENERAL_ROOM,
  MAX_MARKS_PER_CHARACTER,
  nameKeys,
  roomKey,
  type TextLimits,
  usernameKey,
  validateMessage,
  validateRoomName,
  validateUsername,
} from './server/chat/validation.js';
export {
  type CodecLimits,
  createRequestDecoder,
  DEFAULT_CODEC_LIMITS,
  encodeMessage,
} from './server/codec.js';
export { type ChatObservabilityOptions, createChatObservability } from './server/observability.js';
export {
  CHAT_SERVER_DEFAULTS,
  ChatServer,
  type ChatServerOptions,
  createChatServer,
} from './server/server.js';
export type { ChatTransport } from './server/transport.js';
export type {
  ChatCallContext,
  ChatMethod,
  ChatPeer,
  ChatServiceHost,
  DeferredChatMethod,
} from './server/types.js';
export { normalizeOrigin, parseOrigins } from './server/web/origin.js';
export { type ChatWebOptions, ChatWebServer, createChatWebServer } from './server/web/web-server.js';
export {
  CHAT_FANOUT_PROTOCOL,
  CHAT_ROOM_FANOUT_PROTOCOL,
  type ChatFanoutOptions,
  runChatFanout,
} from './tools/fanout.js';
