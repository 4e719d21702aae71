/** One readiness condition beyond "listening and not draining", e.g. "Redis reachable". */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** What `/readyz` reports. */
export interface Readiness {
  ready: boolean;
  /** Each condition by name: `listening`, `draining` (true is bad), then the added checks. */
  checks: Record<string, boolean>;
}

/** How long one readiness check may take before it counts as failed. */
export const READINESS_CHECK_TIMEOUT_MS = 2000;

/**
 * A service's liveness and readiness. Live while the process serves HTTP at all; ready while it is
 * listening, not draining, and every added check passes (a check that throws or takes longer than
 * {@link READINESS_CHECK_TIMEOUT_MS} fails).
 */
export class Health {
  #listening = false;
  #draining = false;
  readonly #checks = new Map<string, ReadinessCheck>();

  /** The service is accepting connections. */
  setListening(): void {
    this.#listening = true;
  }

  /** The service started its graceful close: readiness fails from now on. */
  setDraining(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Adds a named readiness condition (e.g. `redis`). */
  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  async readiness(): Promise<Readiness> {
    const checks: Record<string, boolean> = { listening: this.#listening, draining: this.#draining };
    let ready = this.#listening && !this.#draining;
    for (const [name, check] of this.#checks) {
      const ok = await runCheck(check);
      checks[name] = ok;
      ready &&= ok;
    }
    return { ready, checks };
  }
}

async function runCheck(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
