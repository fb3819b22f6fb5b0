/**
 * `carrier-gateway certify CODE FILE... [--json | --html OUT] [--config FILE]`: the conformance
 * report for an onboarding carrier. Each file goes through exactly the gateway's checks
 * for that carrier's agreement; nothing is forwarded, stored or logged. Exit 0 when all would be
 * accepted, 1 when any would be rejected, 2 for an unknown carrier or an unreadable file, 3 when the
 * HTML cannot be written (docs/cli.md "Exit codes and help").
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { configFileFrom, loadConfig, problemText } from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import { certify } from '../../onboarding/report.js'
import { renderText } from '../../onboarding/render-text.js'
import { renderHtml } from '../../onboarding/render-html.js'
import { parse } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_FAILED, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, errnoOf, print, type CliIo } from '../io.js'

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(SPECS.certify, args)
  const [code, ...files] = positionals
  if (code === undefined || files.length === 0) throw new UsageError('usage: certify CODE FILE... [--json | --html OUT] [--config FILE]')
  if (values.json && values.html !== undefined) throw new UsageError('--json and --html cannot be combined')
  const config = loadConfig(configFileFrom(values.config, io.env))
  const loaded = loadAgreementDir(config.carriers)
  const agreement = loaded.agreements.find(a => a.code === code)
  if (agreement === undefined) {
    const own = loaded.problems.filter(p => p.file.endsWith(`/${code}.yaml`) || p.file.endsWith(`/${code}.yml`))
    print(io.stderr, own.length > 0
      ? `certify: the agreement of ${code} is invalid:\n${own.map(p => `  ${problemText(p)}`).join('\n')}`
      : `certify: no agreement for carrier ${code} in ${config.carriers} ` +
        `(create one with: carrier-gateway carriers add ${code} --name NAME)`)
    return EXIT_USAGE
  }
  const inputs: Array<{ name: string, bytes: Buffer }> = []
  for (const f of files) {
    try {
      inputs.push({ name: f, bytes: readFileSync(f) })
    } catch (err) {
      print(io.stderr, `certify: ${f} cannot be read (${errnoOf(err)})`)
      return EXIT_USAGE
    }
  }
  const report = certify(agreement, inputs, {
    receiverIds: config.identity.receiverIds,
    senderId: config.identity.senderId,
    limits: config.limits
  })
  if (values.json) {
    print(io.stdout, JSON.stringify(report, null, 2))
  } else if (values.html !== undefined) {
    try {
      writeFileSync(values.html, renderHtml(report))
    } catch (err) {
      print(io.stderr, `certify: ${values.html} cannot be written (${errnoOf(err)})`)
      return EXIT_RUNTIME
    }
    const s = report.summary
    const files = `${s.files} file${s.files === 1 ? '' : 's'}`
    const verdict = s.passed ? 'PASSED' : 'NOT PASSED'
    print(io.stdout, `${values.html}: conformance report for ${code}, ${files}, ${s.rejected} rejected: ${verdict}`)
  } else {
    io.stdout.write(renderText(report))
  }
  return report.summary.passed ? EXIT_OK : EXIT_FAILED
}
