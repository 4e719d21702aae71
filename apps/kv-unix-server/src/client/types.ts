import type { CalculateOperation, CommandHelp } from '../protocol/commands.js';

/** `echo` reply data. */
export interface EchoResult<T = unknown> {
  echo: T;
}

/** `time` reply data. */
export interface TimeResult {
  /** ISO 8601, UTC. */
  timestamp: string;
  /** Seconds since the epoch, with milliseconds as the fraction. */
  unix_timestamp: number;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  formatted: string;
}

/** `calculate` reply data. */
export interface CalculateResult {
  operation: CalculateOperation;
  a: number;
  b: number;
  result: number;
}

/** `store` reply data. */
export interface StoreResult {
  key: string;
  stored: true;
  message: string;
}

/** `retrieve` reply data. */
export interface RetrieveResult<T = unknown> {
  key: string;
  value: T;
}

/** What {@link KvClient.listKeys} resolves with: every key (all pages) and how many. */
export interface ListKeysResult {
  keys: string[];
  count: number;
}

/** One `list_keys` page: its keys, their number, and the cursor of the next page ("0" when done). */
export interface ListKeysPage {
  keys: string[];
  count: number;
  cursor: string;
}

/** `delete` reply data. */
export interface DeleteResult {
  key: string;
  deleted: true;
  message: string;
}

/** `ping` reply data. */
export interface PingResult {
  status: 'ok';
  server_time: string;
  storage_size: number;
}

/** `help` reply data. */
export interface HelpResult {
  commands: Record<string, CommandHelp>;
}
