// Waiting for something on the lab to happen, bounded in time and count.
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export /** Polls `probe` every `stepMs` until it returns a value other than undefined; fails after `timeoutMs`. */
async function pollFor<T>(what: string, probe: () => T | undefined, timeoutMs: number, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < Math.ceil(timeoutMs / stepMs) + 1; i += 1) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) break;
    await sleep(stepMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
