#!/usr/bin/env node
// Brings up the real services the test suite talks to, before `npm test` runs the tests
// (docs/testing.md "Services": real services, no mocks). Plain Node, no dependencies: it runs right after
// `npm ci` on a fresh CI machine, where nothing but Node and the Debian archive is there.
//
// For each service: reachable -> nothing to do; installed but down -> start it; not installed
// and running as root -> install it from Debian's packages and start it. One line per service
// on stdout says what was done; progress notes go to stderr. Exit 1 when a required service
// cannot be brought up.
//
//   rabbitmq   AMQP_URL (default amqp://guest:guest@127.0.0.1:5672); ready = a full AMQP
//              handshake (Start, Start-Ok PLAIN, Tune, Open vhost) succeeds, polled up to 60 s
//   postgres   PG_URL (default postgres://postgres@127.0.0.1:5432/test); ready = the startup
//              message gets ReadyForQuery; a missing database is created when local
//   sshd       /usr/sbin/sshd and /run/sshd exist (tests start their own sshd: test/helpers/sshd.ts)
//   chromium   /usr/bin/chromium installed; optional: a failure is reported, never fatal
//   docker-compose  `docker-compose version` runs (test/container/ runs `docker-compose config`, which
//              needs no Docker engine); optional like chromium
//   promtool   `promtool --version` runs (test/metrics/alert-rules.test.ts checks and unit-tests the
//              alert rules); from Debian's `prometheus` package, whose server is kept stopped; optional
//
// TEST_SERVICES_SKIP=chromium,postgres skips services; TEST_SERVICES_TIMEOUT (seconds, default
// 60) bounds each readiness wait.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import net from 'node:net'

const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672'
const PG_URL = process.env.PG_URL || 'postgres://postgres@127.0.0.1:5432/test'
const TIMEOUT_MS = Number(process.env.TEST_SERVICES_TIMEOUT || 60) * 1000
const SKIP = new Set((process.env.TEST_SERVICES_SKIP || '').split(',').map(s => s.trim()).filter(Boolean))
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', ''])

const note = (msg) => process.stderr.write(`  ${msg}\n`)
const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms))

class ServiceError extends Error {}

// ---------------------------------------------------------------- shell helpers

function run (cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts })
  return { ok: r.status === 0, status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error }
}

function tail (text, lines = 25) {
  return text.trim().split('\n').slice(-lines).map(l => `    | ${l}`).join('\n')
}

let aptUpdated = false
/** apt-get install (after one apt-get update per run); services are kept from auto-starting. */
function aptInstall (packages) {
  if (!IS_ROOT) throw new ServiceError(`not installed, and installing needs root: apt-get install ${packages.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  // Another apt may hold the lock (a parallel run): wait for it rather than fail.
  const lock = ['-o', 'DPkg::Lock::Timeout=300']
  if (!aptUpdated) {
    note('apt-get update')
    const r = run('apt-get', [...lock, 'update'], { env })
    if (!r.ok) throw new ServiceError(`apt-get update failed\n${tail(r.out)}`)
    aptUpdated = true
  }
  // The packages' maintainer scripts would start services through invoke-rc.d (openssh-server
  // would start a system sshd on port 22); this script starts what it needs itself, so a
  // policy-rc.d that denies every start is put in place for the install when none exists.
  const policy = '/usr/sbin/policy-rc.d'
  const ownPolicy = !existsSync(policy)
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# temporary, from scripts/test-services.mjs\nexit 101\n', { mode: 0o755 })
  try {
    note(`apt-get install ${packages.join(' ')}`)
    const r = run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', ...packages], { env })
    if (!r.ok) throw new ServiceError(`apt-get install ${packages.join(' ')} failed\n${tail(r.out)}`)
  } finally {
    if (ownPolicy) rmSync(policy, { force: true })
  }
}

// ---------------------------------------------------------------- network probes

function parseUrl (raw, defaultPort) {
  const u = new URL(raw)
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'
  return {
    host,
    port: Number(u.port || defaultPort),
    user: decodeURIComponent(u.username || ''),
    password: decodeURIComponent(u.password || ''),
    path: decodeURIComponent(u.pathname.replace(/^\//, '')),
    local: LOCAL_HOSTS.has(host)
  }
}

function tcpReachable (host, port, timeoutMs = 1000) {
  return new Promise(resolve => {
    const socket = net.connect({ host, port })
    const done = (ok) => { socket.destroy(); resolve(ok) }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/**
 * Runs `dialog(socket, read)` on a fresh connection, where read() resolves with the next
 * chunk of bytes. Resolves with dialog's result; rejects on timeout or socket error.
 */
function converse (host, port, timeoutMs, dialog) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    let buffered = Buffer.alloc(0)
    let waiter = null
    let failed = null
    let connected = false
    const fail = (err) => {
      failed = err
      if (!connected) { clearTimeout(timer); socket.destroy(); reject(err) }
      if (waiter) { waiter.reject(err); waiter = null }
    }
    const timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    socket.on('data', chunk => {
      buffered = Buffer.concat([buffered, chunk])
      if (waiter) { waiter.resolve(); waiter = null }
    })
    socket.on('error', fail)
    socket.on('close', () => fail(new Error('connection closed by the server')))
    /** Resolves with exactly n bytes. */
    const read = async (n) => {
      while (buffered.length < n) {
        if (failed) throw failed
        await new Promise((resolve, reject) => { waiter = { resolve, reject } })
      }
      const out = buffered.subarray(0, n)
      buffered = buffered.subarray(n)
      return out
    }
    socket.once('connect', () => {
      connected = true
      dialog(socket, read).then(resolve, reject).finally(() => {
        clearTimeout(timer)
        socket.removeAllListeners('close')
        socket.on('error', () => {})
        socket.end()
        setTimeout(() => socket.destroy(), 200).unref()
      })
    })
  })
}

// AMQP 0-9-1 (spec section 4.2): frame = type(1) channel(2) size(4) payload 0xCE.
function amqpMethodFrame (classId, methodId, args) {
  const payload = Buffer.concat([Buffer.from([classId >> 8, classId & 255, methodId >> 8, methodId & 255]), args])
  const head = Buffer.alloc(7)
  head.writeUInt8(1, 0)
  head.writeUInt16BE(0, 1)
  head.writeUInt32BE(payload.length, 3)
  return Buffer.concat([head, payload, Buffer.from([0xce])])
}
const shortstr = (s) => { const b = Buffer.from(s); return Buffer.concat([Buffer.from([b.length]), b]) }
const longstr = (s) => { const b = Buffer.from(s); const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return Buffer.concat([l, b]) }
const u16 = (n) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b }
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }

// client-properties { capabilities: { authentication_failure_close: true } }: without it a
// broker answers bad credentials by dropping the socket instead of Close 403 ACCESS_REFUSED.
const CLIENT_PROPERTIES = (() => {
  const inner = Buffer.concat([shortstr('authentication_failure_close'), Buffer.from('t\x01', 'latin1')])
  const outer = Buffer.concat([shortstr('capabilities'), Buffer.from('F'), u32(inner.length), inner])
  return Buffer.concat([u32(outer.length), outer])
})()

/** Full AMQP handshake up to Connection.Open-Ok, then a clean Connection.Close. */
async function amqpHandshake ({ host, port, user, password, path }, timeoutMs = 5000) {
  const vhost = path === '' ? '/' : path
  return converse(host, port, timeoutMs, async (socket, read) => {
    const nextMethod = async () => {
      for (;;) {
        const head = await read(7)
        const size = head.readUInt32BE(3)
        const body = await read(size + 1)
        if (head[0] === 1) return { classId: body.readUInt16BE(0), methodId: body.readUInt16BE(2), args: body.subarray(4, size) }
        // heartbeats and anything else on channel 0 before Open-Ok are ignored
      }
    }
    const closeReason = (m) => `${m.args.readUInt16BE(0)} ${m.args.subarray(3, 3 + m.args[2]).toString()}`
    socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'))
    const start = await nextMethod()
    if (start.classId !== 10 || start.methodId !== 10) throw new Error('not an AMQP 0-9-1 broker (no Connection.Start)')
    socket.write(
      amqpMethodFrame(
        10,
        11,
        Buffer.concat([CLIENT_PROPERTIES, shortstr('PLAIN'), longstr(`\0${user || 'guest'}\0${password || 'guest'}`), shortstr('en_US')])
      )
    )
    const tune = await nextMethod()
    if (tune.methodId === 50) throw new Error(`broker refused the login: ${closeReason(tune)}`)
    if (tune.methodId !== 30) throw new Error(`unexpected AMQP method 10.${tune.methodId} after Start-Ok`)
    socket.write(amqpMethodFrame(10, 31, Buffer.concat([tune.args.subarray(0, 2), tune.args.subarray(2, 6), u16(0)])))
    socket.write(amqpMethodFrame(10, 40, Buffer.concat([shortstr(vhost), shortstr(''), Buffer.from([0])])))
    const open = await nextMethod()
    if (open.methodId === 50) throw new Error(`broker refused vhost ${vhost}: ${closeReason(open)}`)
    if (open.methodId !== 41) throw new Error(`unexpected AMQP method 10.${open.methodId} after Open`)
    socket.write(amqpMethodFrame(10, 50, Buffer.concat([u16(200), shortstr('readiness check done'), u16(0), u16(0)])))
    await nextMethod().catch(() => {}) // Close-Ok
    return true
  })
}

// PostgreSQL frontend/backend protocol 3.0 (docs, "Message Flow: Start-up").
class PgServerError extends Error {
  constructor (fields) {
    super(fields.M || 'error')
    this.code = fields.C
  }
}
/** Resolves 'ready', or 'password' when the server asks for a password (it answers, so it is up). */
async function pgStartup ({ host, port, user, path }, timeoutMs = 5000) {
  return converse(host, port, timeoutMs, async (socket, read) => {
    const params = Buffer.from(`user\0${user || 'postgres'}\0database\0${path || 'postgres'}\0\0`)
    socket.write(Buffer.concat([u32(8 + params.length), u32(196608), params]))
    for (;;) {
      const head = await read(5)
      const body = await read(head.readUInt32BE(1) - 4)
      const type = String.fromCharCode(head[0])
      if (type === 'E') {
        const fields = {}
        for (const part of body.toString().split('\0')) if (part) fields[part[0]] = part.slice(1)
        throw new PgServerError(fields)
      }
      if (type === 'R' && body.readUInt32BE(0) !== 0) return 'password'
      if (type === 'Z') {
        socket.write(Buffer.from([0x58, 0, 0, 0, 4])) // Terminate
        return 'ready'
      }
    }
  })
}

/** Polls check() until it resolves truthy or the deadline passes; returns the last error. */
async function waitFor (check, timeoutMs, retryable = () => true) {
  const deadline = Date.now() + timeoutMs
  let lastErr
  for (;;) {
    try {
      const r = await check()
      if (r) return { ok: true, value: r }
    } catch (err) {
      lastErr = err
      if (!retryable(err)) return { ok: false, err }
    }
    if (Date.now() >= deadline) return { ok: false, err: lastErr }
    await sleep(1000)
  }
}

// ---------------------------------------------------------------- services

async function rabbitmq () {
  const target = parseUrl(AMQP_URL, 5672)
  const where = `${target.host}:${target.port}`
  if (await tcpReachable(target.host, target.port)) {
    const r = await waitFor(() => amqpHandshake(target), TIMEOUT_MS, err => !/refused the login|refused vhost/.test(err.message))
    if (!r.ok) throw new ServiceError(`port ${where} open but AMQP not usable: ${r.err?.message}`)
    return `reachable at ${where}`
  }
  if (!target.local) throw new ServiceError(`unreachable at ${where} (AMQP_URL is not local, so not started here)`)
  let did = 'started'
  if (!existsSync('/usr/sbin/rabbitmq-server')) {
    aptInstall(['rabbitmq-server'])
    did = 'installed and started'
  }
  note('rabbitmq-server -detached')
  const s = run('rabbitmq-server', ['-detached'])
  // "already running" (a broker still booting) is fine: the wait below decides.
  if (!s.ok && !/already running/i.test(s.out)) note(`rabbitmq-server -detached exited ${s.status}\n${tail(s.out, 8)}`)
  const r = await waitFor(() => amqpHandshake(target), TIMEOUT_MS, err => !/refused the login|refused vhost/.test(err.message))
  if (!r.ok) throw new ServiceError(`not accepting AMQP connections at ${where} after ${TIMEOUT_MS / 1000} s: ${r.err?.message}`)
  return `${did} at ${where}`
}

function pgVersions () {
  try { return readdirSync('/etc/postgresql').filter(v => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) } catch { return [] }
}

/** After our own install: trust on loopback, as the tests expect (machine notes). */
function pgTrustLoopback (version) {
  const hba = `/etc/postgresql/${version}/main/pg_hba.conf`
  if (!existsSync(hba)) return
  const lines = readFileSync(hba, 'utf8').split('\n')
    .filter(l => !/^\s*(local|host)\s/.test(l))
  lines.push('# trust on loopback for the test suite (scripts/test-services.mjs)',
    'local all all trust', 'host all all 127.0.0.1/32 trust', 'host all all ::1/128 trust', '')
  writeFileSync(hba, lines.join('\n'))
}

function pgCreateDatabase (name) {
  const r = run('runuser', ['-u', 'postgres', '--', 'createdb', name])
  if (!r.ok && !/already exists/.test(r.out)) throw new ServiceError(`createdb ${name} failed\n${tail(r.out, 8)}`)
}

async function postgres () {
  const target = parseUrl(PG_URL, 5432)
  const where = `${target.host}:${target.port}`
  const retryable = err => !(err instanceof PgServerError) || err.code === '57P03' // starting up
  const ready = async () => {
    const r = await waitFor(() => pgStartup(target), TIMEOUT_MS, retryable)
    if (r.ok) return r.value
    if (r.err instanceof PgServerError && r.err.code === '3D000' && target.local && IS_ROOT && target.path) {
      note(`creating database ${target.path}`)
      pgCreateDatabase(target.path)
      return pgStartup(target)
    }
    throw new ServiceError(`not accepting connections at ${where}: ${r.err?.message}`)
  }
  const suffix = (state) => state === 'password' ? ' (asks for a password: login not checked)' : ''
  if (await tcpReachable(target.host, target.port)) return `reachable at ${where}${suffix(await ready())}`
  if (!target.local) throw new ServiceError(`unreachable at ${where} (PG_URL is not local, so not started here)`)
  let did = 'started'
  if (pgVersions().length === 0) {
    aptInstall(['postgresql'])
    did = 'installed and started'
    const [version] = pgVersions()
    if (!version) throw new ServiceError('installed, but no cluster under /etc/postgresql')
    pgTrustLoopback(version)
  }
  const [version] = pgVersions()
  note(`pg_ctlcluster ${version} main start`)
  const s = run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'])
  if (!s.ok && !/already running/i.test(s.out)) throw new ServiceError(`pg_ctlcluster ${version} main start failed\n${tail(s.out, 12)}`)
  return `${did} at ${where}${suffix(await ready())}`
}

async function sshd () {
  let did = 'installed'
  if (existsSync('/usr/sbin/sshd')) did = 'present'
  else aptInstall(['openssh-server'])
  if (!existsSync('/usr/sbin/sshd')) throw new ServiceError('openssh-server installed but /usr/sbin/sshd is missing')
  if (!existsSync('/run/sshd')) {
    if (!IS_ROOT) throw new ServiceError('/run/sshd (privilege separation directory) is missing; needs root')
    mkdirSync('/run/sshd', { mode: 0o755 })
  }
  return `${did} (/usr/sbin/sshd; tests start their own server)`
}

async function chromium () {
  if (existsSync('/usr/bin/chromium')) return 'present (/usr/bin/chromium)'
  aptInstall(['chromium'])
  return 'installed (/usr/bin/chromium)'
}

async function dockerCompose () {
  // Any docker-compose on PATH will do (Debian's, or one from pip).
  if (run('docker-compose', ['version']).ok) return 'present (docker-compose on PATH)'
  aptInstall(['docker-compose'])
  if (!run('docker-compose', ['version']).ok) throw new ServiceError('docker-compose installed but `docker-compose version` fails')
  return 'installed (/usr/bin/docker-compose)'
}

/**
 * promtool comes with Debian's `prometheus` package, which also ships the Prometheus server: the tests
 * only need the tool, so a server the install started (systemd or sysv init) is stopped and disabled
 * again. Its default port, 9090, is the gateway's admin port (README "Quick start").
 */
async function promtool () {
  if (run('promtool', ['--version']).ok) return 'present (promtool on PATH)'
  aptInstall(['prometheus'])
  if (!run('promtool', ['--version']).ok) throw new ServiceError('prometheus installed but `promtool --version` fails')
  if (run('systemctl', ['is-active', '--quiet', 'prometheus']).ok) {
    run('systemctl', ['stop', 'prometheus'])
    run('systemctl', ['disable', 'prometheus'])
  } else if (run('pidof', ['prometheus']).ok && existsSync('/etc/init.d/prometheus')) {
    run('/etc/init.d/prometheus', ['stop'])
  }
  return 'installed (promtool from the prometheus package; its server left stopped)'
}

// ---------------------------------------------------------------- main

const services = [
  { name: 'rabbitmq', required: true, fn: rabbitmq },
  { name: 'postgres', required: true, fn: postgres },
  { name: 'sshd', required: true, fn: sshd },
  { name: 'chromium', required: false, fn: chromium },
  { name: 'docker-compose', required: false, fn: dockerCompose },
  { name: 'promtool', required: false, fn: promtool }
]

let failed = 0
for (const { name, required, fn } of services) {
  if (SKIP.has(name)) { console.log(`${name}: skipped (TEST_SERVICES_SKIP)`); continue }
  try {
    console.log(`${name}: ${await fn()}`)
  } catch (err) {
    const message = err instanceof ServiceError ? err.message : (err?.stack ?? String(err))
    if (required) {
      failed++
      console.log(`${name}: FAILED: ${message}`)
    } else {
      console.log(`${name}: not available (optional, tests that need it will fail or skip): ${message}`)
    }
  }
}
if (failed > 0) {
  console.error(`test-services: ${failed} required service(s) could not be brought up; not running the tests`)
  process.exit(1)
}
