/**
 * The import direction of docs/architecture.md "Layers", as rules `npm run lint` checks:
 *
 *   cli/, server.ts → app.ts, housekeeping.ts → channels/, admin/, onboarding/, outbound/, flights/ → pipeline/
 *   → intake/ validate/ acknowledge/ forward/ ledger/ (stages) → agreements/ config/ metrics/ http/
 *   logger.ts (foundations) → messages/ → edifact/ → transmission/, errors.ts (vocabulary)
 *
 * A module imports only from its own layer's folder or from layers below it; no channel imports
 * another channel, no stage imports another stage, and no folder cycle forms. Each rule names the
 * layer it protects, so a violation reads as "edifact may not import channels".
 */
const LAYERS = [
  { name: 'entry', path: '^src/(cli/|server\\.ts$)' },
  { name: 'app', path: '^src/(app|housekeeping)\\.ts$' },
  { name: 'edge', path: '^src/(channels|admin|onboarding|outbound|flights)/' },
  { name: 'pipeline', path: '^src/pipeline/' },
  { name: 'stage', path: '^src/(intake|validate|acknowledge|forward|ledger)/' },
  { name: 'foundation', path: '^src/(agreements/|config/|metrics/|http/|logger\\.ts$)' },
  { name: 'messages', path: '^src/messages/' },
  { name: 'edifact', path: '^src/edifact/' },
  { name: 'vocabulary', path: '^src/(transmission/|errors\\.ts$)' }
]

const forbidden = LAYERS.slice(1).map((layer, i) => ({
  name: `${layer.name}-imports-only-lower-layers`,
  comment: `${layer.name} may not import a layer above it (${LAYERS.slice(0, i + 1).map(l => l.name).join(', ')})`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: LAYERS.slice(0, i + 1).map(l => l.path).join('|') }
}))

const channels = ['https', 'sftp', 'amqp']
for (const c of channels) {
  forbidden.push({
    name: `channel-${c}-imports-no-other-channel`,
    comment: `the ${c} channel may not import another channel`,
    severity: 'error',
    from: { path: `^src/channels/${c}/` },
    to: { path: `^src/channels/(${channels.filter(o => o !== c).join('|')})/` }
  })
}

const stages = ['intake', 'validate', 'acknowledge', 'forward', 'ledger']
for (const s of stages) {
  forbidden.push({
    name: `stage-${s}-imports-no-other-stage`,
    comment: `the ${s} stage may not import another stage: what they share belongs below them`,
    severity: 'error',
    from: { path: `^src/${s}/` },
    to: { path: `^src/(${stages.filter(o => o !== s).join('|')})/` }
  })
}

forbidden.push(
  {
    name: 'no-cycle',
    comment: 'modules may not import each other in a circle',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true }
  },
  {
    name: 'no-test-code-in-src',
    comment: 'src may not import tests, benchmarks or scripts',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^(test|bench|scripts)/' }
  }
)

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] }
  }
}
