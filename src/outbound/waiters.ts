/**
 * Long-poll waits of `GET /v1/messages` (docs/outbound.md "HTTPS"): a fetch with nothing pending
 * waits until a message for one of its carriers is held on this instance, the interval ends, or the
 * carrier hangs up. Messages held by another instance are found by the fetch's own periodic look
 * at the store, so a wait never depends on this wake-up alone.
 */
export interface Waiters {
  /** Resolves after `ms`, on `wake` of one of `carriers`, or when `signal` aborts. */
  wait (carriers: readonly string[], ms: number, signal: AbortSignal): Promise<void>
  wake (carrier: string): void
  /** Releases every wait (shutdown). */
  close (): void
}

export function createWaiters (): Waiters {
  const byCarrier = new Map<string, Set<() => void>>()
  return {
    wait (carriers, ms, signal) {
      return new Promise(resolve => {
        const done = (): void => {
          clearTimeout(timer)
          signal.removeEventListener('abort', done)
          for (const c of carriers) byCarrier.get(c)?.delete(done)
          resolve()
        }
        const timer = setTimeout(done, ms)
        signal.addEventListener('abort', done, { once: true })
        for (const c of carriers) {
          let set = byCarrier.get(c)
          if (set === undefined) byCarrier.set(c, set = new Set())
          set.add(done)
        }
      })
    },
    wake (carrier) {
      for (const fn of [...byCarrier.get(carrier) ?? []]) fn()
    },
    close () {
      for (const set of byCarrier.values()) for (const fn of [...set]) fn()
      byCarrier.clear()
    }
  }
}
