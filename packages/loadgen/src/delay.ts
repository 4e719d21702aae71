/** A timer as a promise, for bounded waits that race it. */

/** A promise that resolves after `ms`, and its timer (cleared by the caller when the race is won). */
export function delay(ms: number): { done: Promise<void>; timer: NodeJS.Timeout } {
  let timer!: NodeJS.Timeout;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, timer };
}
