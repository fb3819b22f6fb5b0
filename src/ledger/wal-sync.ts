/**
 * Durable SQLite commits that do not hold the event loop (docs/operations.md "The ledger's durability").
 *
 * With `synchronous = FULL` SQLite fsyncs the WAL inside every COMMIT, and better-sqlite3 runs on
 * the event loop: each group commit stopped every carrier's traffic for the length of an fsync
 * (about 0.9 ms on the reference machine, more than the commit itself). So the connection runs
 * `synchronous = NORMAL` (the WAL is written at COMMIT, and SQLite still syncs it before every
 * checkpoint, which keeps the file consistent), and a write's promise settles only after an fsync
 * of the WAL file that began after its COMMIT, run on libuv's thread pool. One fsync covers every
 * commit before it, so commits issued while one runs share the next: a group commit across turns
 * of the event loop. The durability is FULL's; only the wait moved off the event loop.
 *
 * Reads on the connection may see a commit before its fsync ends; the writer, whose caller is the
 * one that acknowledges, waits for it.
 */
import { closeSync, fsync, fsyncSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

interface Waiter { resolve: () => void, reject: (err: Error) => void }

export class WalSync {
  private readonly walPath: string
  private fd: number | null = null
  /** Waiting for the fsync that starts next; `syncing` is the one running. */
  private waiting: Waiter[] = []
  private syncing: Waiter[] | null = null
  private idle: Array<() => void> = []

  /** `databasePath`: the SQLite file; its WAL is `<path>-wal` (SQLite's naming, never configurable). */
  constructor (databasePath: string) {
    this.walPath = `${databasePath}-wal`
  }

  /** Resolves once everything committed on the connection before this call is on disk. */
  durable (): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      if (this.syncing === null) this.start()
    })
  }

  /** Waits for the fsyncs asked for, then closes the WAL file (before the connection closes). */
  async close (): Promise<void> {
    if (this.syncing !== null || this.waiting.length > 0) await new Promise<void>(resolve => this.idle.push(resolve))
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }

  private open (): number {
    if (this.fd !== null) return this.fd
    // The WAL exists once the connection has committed in WAL mode, and stays while it is open.
    // Its directory entry is made durable once, as SQLite's FULL mode would at its creation.
    const fd = openSync(this.walPath, 'r')
    const dir = openSync(dirname(this.walPath), 'r')
    try { fsyncSync(dir) } finally { closeSync(dir) }
    this.fd = fd
    return fd
  }

  private start (): void {
    const batch = this.waiting
    this.waiting = []
    this.syncing = batch
    let fd: number
    try {
      fd = this.open()
    } catch (err) {
      this.finish(batch, err as Error)
      return
    }
    fsync(fd, err => this.finish(batch, err))
  }

  private finish (batch: Waiter[], err: Error | null): void {
    this.syncing = null
    for (const w of batch) {
      if (err === null) w.resolve()
      else w.reject(err)
    }
    if (this.waiting.length > 0) {
      this.start()
      return
    }
    for (const resolve of this.idle.splice(0)) resolve()
  }
}
