/**
 * `carrier-gateway certs issue CODE --out DIR [--days N]`: a key and client certificate for a
 * carrier from the configured CA (`ca.cert`, `ca.key`: the example CA by default), printing the
 * fingerprint line for the agreement. `certs show FILE`: fingerprint, subject, issuer, validity.
 */
import { readFileSync } from 'node:fs'
import { configFileFrom, loadConfig, resolveSecret } from '../../config/index.js'
import { loadAgreementDir, normalizeFingerprint } from '../../agreements/store.js'
import { bundleHolds, certFacts, issueClientCertificate } from '../../onboarding/certs.js'
import { isGatewayError } from '../../errors.js'
import { parse, subcommandError } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_FAILED, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, print, type CliIo } from '../io.js'

const SUB = SPECS.certs.subcommands
const usageOf = (sub: keyof typeof SUB): string => `usage: ${SUB[sub].usage.join('\n')}`

async function issue (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(SUB.issue, args)
  const [code, ...extra] = positionals
  if (code === undefined || extra.length > 0 || values.out === undefined) throw new UsageError(usageOf('issue'))
  if (!/^[A-Z0-9]{2,3}$/.test(code)) throw new UsageError(`${code} is not a carrier code (2 or 3 upper-case letters or digits)`)
  const days = Number(values.days)
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError('--days must be a whole number of days from 1 to 3650')
  const config = loadConfig(configFileFrom(values.config, io.env))
  const agreement = loadAgreementDir(config.carriers).agreements.find(a => a.code === code)
  let issued
  try {
    issued = await issueClientCertificate({
      code,
      organisation: agreement?.name ?? null,
      caCertFile: config.ca.cert,
      caKeyPem: resolveSecret(config.ca.key, io.env),
      outDir: values.out,
      days
    })
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    const why = e.code === 'EEXIST'
      ? `${e.path ?? 'the key or certificate'} already exists; not overwritten`
      : e.stderr !== undefined && e.stderr !== ''
        ? `openssl failed: ${e.stderr.trim().split('\n')[0]}`
        : e.message
    print(io.stderr, `certs issue: ${why}`)
    // An existing file or a CA key that is not there is the input's problem; openssl failing is not.
    return e.code === 'EEXIST' || isGatewayError(err) ? EXIT_USAGE : EXIT_RUNTIME
  }
  print(io.stdout, [
    `issued ${issued.certFile} (subject ${issued.subject}; issuer ${issued.issuer})`,
    `key    ${issued.keyFile} (mode 0600: hand it to the carrier over a secure channel, then delete this copy)`,
    `valid  ${issued.notBefore} to ${issued.notAfter} (${issued.daysLeft} days)`,
    '',
    `fingerprint for config/carriers/${code}.yaml, under channels.https.certificates:`,
    `  - { fingerprint: "${issued.fingerprint}", notAfter: "${issued.notAfter}", label: "issued ${issued.notBefore.slice(0, 10)}" }`,
    'or simply:',
    `  - "${issued.fingerprint}"`
  ].join('\n'))
  if (agreement === undefined) {
    const add = `carrier-gateway carriers add ${code} --name NAME --cert ${issued.certFile}`
    print(io.stderr, `note: no agreement for ${code} yet; create it with ${add}`)
  }
  try {
    // The gateway trusts client certificates signed by https.clientCa; warn when that is another CA.
    if (!bundleHolds(readFileSync(config.https.clientCa, 'utf8'), readFileSync(config.ca.cert, 'utf8'))) {
      print(
        io.stderr,
        `warning: ${config.ca.cert} is not in https.clientCa (${config.https.clientCa}); ` +
        'the gateway will not accept this certificate until it is'
      )
    }
  } catch {
    print(io.stderr, `warning: https.clientCa (${config.https.clientCa}) cannot be read to check that it trusts ${config.ca.cert}`)
  }
  return EXIT_OK
}

async function show (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(SUB.show, args)
  if (positionals.length !== 1) throw new UsageError(usageOf('show'))
  const file = positionals[0]
  let facts
  try {
    facts = certFacts(readFileSync(file))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const unreadable = code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR'
    print(io.stderr, `certs show: ${file} ${unreadable ? `cannot be read (${code})` : 'is not a PEM or DER certificate'}`)
    return unreadable ? EXIT_USAGE : EXIT_FAILED
  }
  const lines = [
    `file         ${file}`,
    `fingerprint  ${facts.fingerprint}`,
    `subject      ${facts.subject}`,
    `issuer       ${facts.issuer}`,
    `serial       ${facts.serial}`,
    `key          ${facts.keyType}`,
    `notBefore    ${facts.notBefore}`,
    `notAfter     ${facts.notAfter}`,
    `days left    ${facts.daysLeft < 0 ? `expired ${-facts.daysLeft} days ago` : facts.daysLeft}`
  ]
  // Which agreements pin it, when a config is at hand (informative; a missing config is fine).
  try {
    const config = loadConfig(configFileFrom(values.config, io.env))
    const fp = normalizeFingerprint(facts.fingerprint)
    const pinned = loadAgreementDir(config.carriers).agreements
      .filter(a => a.channels.https?.certificates.some(c => c.fingerprint === fp) === true)
      .map(a => a.code)
    lines.push(`pinned by    ${pinned.length > 0 ? pinned.join(', ') : 'no agreement'}`)
  } catch { /* no usable config: nothing to cross-check */ }
  print(io.stdout, lines.join('\n'))
  return facts.daysLeft < 0 ? EXIT_FAILED : EXIT_OK
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args
  if (sub === 'issue') return await issue(rest, io)
  if (sub === 'show') return await show(rest, io)
  throw subcommandError('certs', sub, SPECS.certs)
}
