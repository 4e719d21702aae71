export { BACKOFF_DEFAULTS, type BackoffOptions, backoffDelay } from '@sockworks/service';
export { type ChatOptions, DEFAULT_CHAT_OPTIONS, type DuplicateNamePolicy } from './chat/chat-options.js';
export {
  ChatService,
  type ChatSession,
  type DetailedUsersReply,
  type UsersReply,
} from './chat/chat-service.js';
export {
  type ChatBroadcast,
  chatMessage,
  type SystemBroadcast,
  SystemText,
  systemMessage,
} from './chat/messages.js';
export { type Clock, TokenBucket, type TokenBucketOptions } from './chat/token-bucket.js';
export {
  codePointLength,
  DEFAULT_TEXT_LIMITS,
  MAX_MARKS_PER_CHARACTER,
  nameKeys,
  SYSTEM_USERNAME,
  type TextLimits,
  usernameKey,
  validateMessage,
  validateUsername,
} from './chat/validation.js';
export { HELP_TEXT, type InteractiveOptions, runInteractiveClient } from './cli/interactive.js';
export { neutralize } from './cli/sanitize.js';
export type {
  ChatClientEvents,
  ChatClientOptions,
  ChatEvent,
  JoinResult,
  SystemEvent,
  UserInfo,
} from './client/types.js';
export { ChatClient } from './client.js';
export { type CodecLimits, createRequestDecoder, DEFAULT_CODEC_LIMITS, encodeMessage } from './codec.js';
export { RpcServer, type RpcServerOptions } from './rpc/transport.js';
export type { JsonObject, RpcCallContext, RpcMethod, RpcPeer, RpcTransport } from './rpc/types.js';
export {
  CHAT_SERVER_DEFAULTS,
  type ChatServer,
  type ChatServerOptions,
  createChatServer,
  DEFAULT_HOST,
  DEFAULT_PORT,
} from './server.js';
