import type { CalculateOperation } from './commands/calculate.js';
import type { CommandHelp } from './commands/registry.js';

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

/** `list_keys` reply data. */
export interface ListKeysResult {
  keys: string[];
  count: number;
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
