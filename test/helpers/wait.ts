// The one poll-until helper of the suite (docs/testing.md "Waiting"): tests wait for an outcome
// of real services (a broker delivery, a file moved, a watch event), never for a fixed time.
// The deadline is a hang guard, not a timing assertion (docs/testing.md "Waiting").

/** Polls `check` every `stepMs` until it holds; resolves false if it still does not after `ms`. */
export async function waitUntil (check: () => boolean | Promise<boolean>, ms = 20_000, stepMs = 20): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) return false
    await new Promise(resolve => setTimeout(resolve, stepMs))
  }
  return true
}

/** Resolves when `check` holds; rejects naming `what` after `ms`. */
export async function waitFor (what: string, check: () => boolean | Promise<boolean>, ms = 20_000, stepMs = 20): Promise<void> {
  if (!(await waitUntil(check, ms, stepMs))) throw new Error(`timed out waiting for: ${what}`)
}
