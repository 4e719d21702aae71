import { ChatErrorCode } from '@sockworks/error-codes';
import type { Logger } from '@sockworks/logging';
import { type JsonObject, SystemText, systemMessage } from '../../protocol/messages.js';
import type { ChatPeer } from '../types.js';

/**
 * Closes connections that have not joined within `timeoutMs`. Every peer gets the same timeout, so
 * insertion order is deadline order and one timer, armed for the oldest, serves all.
 */
export class JoinDeadlines {
  readonly #timeoutMs: number;
  readonly #log: Logger;
  /** Peers that have not joined, with the Date.now() by which they must. */
  readonly #unjoined = new Map<ChatPeer, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number, logger: Logger) {
    this.#timeoutMs = timeoutMs;
    this.#log = logger;
  }

  /** Starts the deadline of a peer that is not (or no longer) joined. */
  arm(peer: ChatPeer): void {
    const ms = this.#timeoutMs;
    if (ms <= 0) return;
    this.#unjoined.delete(peer);
    this.#unjoined.set(peer, Date.now() + ms);
    if (this.#timer === undefined) this.#armTimer(ms);
  }

  /** The peer joined or is gone. */
  clear(peer: ChatPeer): void {
    this.#unjoined.delete(peer);
  }

  #armTimer(ms: number): void {
    this.#timer = setTimeout(() => this.#closeLateJoiners(), ms);
    this.#timer.unref();
  }

  /** Closes every peer whose join deadline has passed; re-arms for the next one. */
  #closeLateJoiners(): void {
    this.#timer = undefined;
    const now = Date.now();
    let notice: JsonObject | undefined;
    for (const [peer, deadline] of this.#unjoined) {
      if (deadline > now) {
        this.#armTimer(deadline - now);
        return;
      }
      this.#unjoined.delete(peer);
      this.#log.info({ conn: peer.id }, 'closing: did not join in time');
      notice ??= systemMessage(SystemText.idleTimeout(this.#timeoutMs), ChatErrorCode.IDLE_TIMEOUT);
      peer.close(notice);
    }
  }
}
