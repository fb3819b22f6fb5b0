/**
 * What every command takes, in one place: the parser of each command is built from these options,
 * and `--help` prints them, so the two cannot disagree (docs/cli.md "Exit codes and help"). This
 * file imports nothing heavy: `carrier-gateway inspect --help` loads no command at all.
 */

export interface OptionSpec {
  readonly type: 'string' | 'boolean'
  readonly multiple?: boolean
  readonly short?: string
  readonly default?: string | boolean
  /** The value's placeholder in the help (`--carrier CODE`). */
  readonly value?: string
  /** What the default is when it is not a literal (e.g. taken from the config). */
  readonly defaultText?: string
  readonly required?: boolean
  readonly text: string
}

export interface CommandSpec {
  readonly summary: string
  readonly usage: readonly string[]
  readonly description?: readonly string[]
  readonly options: Readonly<Record<string, OptionSpec>>
  readonly examples: readonly string[]
  /** What 1 (and 3, where it can happen) mean for this command; 0 and 2 are the same everywhere. */
  readonly exits: string
  readonly subcommands?: Readonly<Record<string, CommandSpec>>
}

const CONFIG = {
  config: { type: 'string', value: 'FILE', defaultText: 'config/gateway.yaml, or $CARRIER_GATEWAY_CONFIG', text: 'gateway config to read' }
} as const

const JSON_OUT = { json: { type: 'boolean', default: false, text: 'print JSON instead of text' } } as const

const BY = {
  by: {
    type: 'string',
    value: 'NAME',
    defaultText: '$USER, else the OS account name, else the uid',
    text: 'who to record in the audit log'
  }
} as const

const REASON = { reason: { type: 'string', value: 'TEXT', required: true, text: 'why, recorded in the audit log' } } as const

const SUB_EXITS = 'see each subcommand'

const CARRIERS = {
  list: {
    summary: 'list the agreements with stage, channels, messages and certificate expiry',
    usage: ['carriers list [--json] [--config FILE]'],
    options: { ...CONFIG, ...JSON_OUT },
    examples: ['carrier-gateway carriers list'],
    exits: 'invalid agreements are only warned about on stderr'
  },
  show: {
    summary: 'one agreement, its certificates, last transmissions and stage history',
    usage: ['carriers show CODE [--json] [--config FILE]'],
    options: { ...CONFIG, ...JSON_OUT },
    examples: ['carrier-gateway carriers show XA'],
    exits: '2 no valid agreement for CODE'
  },
  add: {
    summary: 'scaffold a new agreement file in stage testing',
    usage: ['carriers add CODE --name NAME [--paxlst D02B,D05B] [--pnrgov 13.1] [--https] [--sftp] [--amqp]',
      '             [--sender-id ID]... [--cert FILE]... [--fingerprint sha256/AB:CD:...]...',
      '             [--sftp-key file:PATH|env:NAME] [--amqp-url env:NAME|file:PATH] [--config FILE]'],
    options: {
      ...CONFIG,
      name: { type: 'string', value: 'NAME', required: true, text: "the carrier's name" },
      paxlst: {
        type: 'string',
        value: 'VERSIONS',
        defaultText: 'D05B when --pnrgov is not given either',
        text: 'PAXLST versions, comma-separated (D02B, D05B, D12B, D15B)'
      },
      pnrgov: { type: 'string', value: 'VERSIONS', defaultText: 'none', text: 'PNRGOV versions, comma-separated (10.1 ... 17.1)' },
      https: { type: 'boolean', default: false, text: 'HTTPS channel (the channel when none is named)' },
      sftp: { type: 'boolean', default: false, text: 'SFTP channel' },
      amqp: { type: 'boolean', default: false, text: 'AMQP bridge channel' },
      'sender-id': {
        type: 'string',
        multiple: true,
        value: 'ID',
        defaultText: 'CODE',
        text: 'UNB sender id the carrier uses (repeatable)'
      },
      cert: { type: 'string', multiple: true, value: 'FILE', text: 'client certificate to pin (repeatable; https)' },
      fingerprint: { type: 'string', multiple: true, value: 'sha256/AB:..', text: 'SHA-256 fingerprint to pin (repeatable; https)' },
      'sftp-key': {
        type: 'string',
        value: 'REF',
        defaultText: 'file:secrets/<code>_ed25519',
        text: 'SFTP private key reference, file:PATH or env:NAME'
      },
      'amqp-url': {
        type: 'string',
        value: 'REF',
        defaultText: 'env:<CODE>_AMQP_URL',
        text: 'carrier broker URL reference, env:NAME or file:PATH'
      }
    },
    examples: ['carrier-gateway carriers add XB --name "Bravo Air" --cert xb-client.crt --sender-id XBAPI'],
    exits: '2 the options would make an invalid agreement, or the file exists; 3 the file cannot be written'
  },
  'set-stage': {
    summary: 'change the stage in the agreement file and record who, when and why',
    usage: ['carriers set-stage CODE testing|live|suspended --reason TEXT [--by NAME] [--config FILE]'],
    options: { ...CONFIG, ...REASON, ...BY },
    examples: ["carrier-gateway carriers set-stage XA live --reason 'certified: 12 files' --by alice"],
    exits: '2 no agreement file for CODE, or it is invalid; 3 the audit log cannot be written (the stage stays)'
  }
} as const satisfies Record<string, CommandSpec>

const CERTS = {
  issue: {
    summary: 'issue a key and client certificate from the configured CA',
    usage: ['certs issue CODE --out DIR [--days N] [--config FILE]'],
    options: {
      ...CONFIG,
      out: { type: 'string', value: 'DIR', required: true, text: 'folder for <code>-client.key and .crt' },
      days: { type: 'string', value: 'N', default: '730', text: 'validity in days (1 to 3650)' }
    },
    examples: ['carrier-gateway certs issue XB --out /tmp/xb'],
    exits: '2 the key or certificate exists already, or the CA key is not available; 3 openssl failed'
  },
  show: {
    summary: 'fingerprint, subject, issuer and validity of a certificate, and which agreements pin it',
    usage: ['certs show FILE [--config FILE]'],
    options: { ...CONFIG },
    examples: ['carrier-gateway certs show certs-example/xa-client.crt'],
    exits: '1 the certificate has expired or FILE is not a certificate; 2 FILE cannot be read'
  }
} as const satisfies Record<string, CommandSpec>

const QUARANTINE = {
  list: {
    summary: 'the rejected transmissions held for review',
    usage: ['quarantine list [--json] [--config FILE]'],
    options: { ...CONFIG, ...JSON_OUT },
    examples: ['carrier-gateway quarantine list'],
    exits: '3 the quarantine (folder or queue) cannot be opened'
  },
  show: {
    summary: 'one quarantined transmission: headers and error report (never the payload)',
    usage: ['quarantine show ID [--json] [--config FILE]'],
    options: { ...CONFIG, ...JSON_OUT },
    examples: ['carrier-gateway quarantine show 01J9Z6Q3V0A7M2X4K8R5T1C6DE'],
    exits: '2 no quarantined transmission ID; 3 the quarantine cannot be opened'
  },
  release: {
    summary: "forward a quarantined transmission after an officer's decision",
    usage: ['quarantine release ID --reason TEXT [--by NAME] [--config FILE]'],
    options: { ...CONFIG, ...REASON, ...BY },
    examples: ["carrier-gateway quarantine release 01J9Z6Q3V0A7M2X4K8R5T1C6DE --reason 'UNT count fixed by hand, ticket 4711'"],
    exits: '2 no quarantined transmission ID, or no agreement for its carrier; 3 the forward target or the audit log failed (it stays)'
  },
  purge: {
    summary: 'delete quarantined transmissions older than the retention',
    usage: ['quarantine purge [--older-than-hours N] [--config FILE]'],
    options: {
      ...CONFIG,
      'older-than-hours': { type: 'string', value: 'N', defaultText: 'quarantine.retentionHours (72)', text: 'age in hours' }
    },
    examples: ['carrier-gateway quarantine purge --older-than-hours 24'],
    exits: '3 the quarantine cannot be opened'
  }
} as const satisfies Record<string, CommandSpec>

const OUTBOUND = {
  list: {
    summary: 'messages from the PIU to carriers, newest first, with their states',
    usage: ['outbound list [--carrier CODE] [--state STATE] [--kind cusres|govreq] [--json] [--config FILE]'],
    options: {
      ...CONFIG,
      carrier: { type: 'string', value: 'CODE', defaultText: 'every carrier', text: 'only this carrier\'s messages' },
      state: { type: 'string', value: 'STATE', defaultText: 'every state', text: 'queued, delivered, fetched, answered or expired' },
      kind: { type: 'string', value: 'KIND', defaultText: 'both', text: 'cusres or govreq' },
      ...JSON_OUT
    },
    examples: ['carrier-gateway outbound list --state queued'],
    exits: '2 a malformed filter; 3 the ledger cannot be read'
  },
  show: {
    summary: 'one message to a carrier: references, times, attempts, last error (never the payload)',
    usage: ['outbound show ID [--json] [--config FILE]'],
    options: { ...CONFIG, ...JSON_OUT },
    examples: ['carrier-gateway outbound show ob_5f0c…'],
    exits: '1 no such message; 3 the ledger cannot be read'
  },
  resend: {
    summary: 'deliver a message again whose payload is still held (queued, or unconfirmed over HTTPS)',
    usage: ['outbound resend ID [--config FILE]'],
    options: { ...CONFIG },
    examples: ['carrier-gateway outbound resend ob_5f0c…'],
    exits: '1 no such message, or its payload was purged (ask the PIU to send it again); 3 the ledger cannot be read'
  }
} as const satisfies Record<string, CommandSpec>

export const SPECS = {
  start: {
    summary: 'run the gateway',
    usage: ['start [--config FILE]'],
    description: ['What npm start runs. The files the config names (TLS key, certificate, client CA, CRL, the carriers',
      'folder) and the secrets of the enabled parts are checked first, as check-config does.'],
    options: { ...CONFIG },
    examples: ['carrier-gateway start --config /etc/carrier-gateway/gateway.yaml'],
    exits: '2 the config or an agreement is invalid, or a file it names cannot be read; 3 the gateway failed to start'
  },
  'check-config': {
    summary: 'validate gateway config and every agreement',
    usage: ['check-config [--config FILE]'],
    description: ['Prints every problem with its file and path, including files and secrets a start would need.'],
    options: { ...CONFIG },
    examples: ['carrier-gateway check-config --config config/gateway.yaml'],
    exits: '1 problems found (also a config file that does not exist)'
  },
  inspect: {
    summary: 'parse and validate files as the gateway would; print the report and the ack',
    usage: ['inspect FILE... [--carrier CODE] [--json] [--config FILE]'],
    description: ['Forwards nothing. The report shows passenger data on this terminal only, never in a log.'],
    options: {
      ...CONFIG,
      carrier: {
        type: 'string',
        value: 'CODE',
        defaultText: 'any supported version from the UNB sender',
        text: "check against this carrier's agreement"
      },
      ...JSON_OUT
    },
    examples: ['carrier-gateway inspect examples/xa-paxlst.edi --carrier XA'],
    exits: '1 a file would be rejected; 2 a FILE cannot be read, CODE has no valid agreement, or a usage error'
  },
  certify: {
    summary: 'conformance report for an onboarding carrier',
    usage: ['certify CODE FILE... [--json | --html OUT] [--config FILE]'],
    options: {
      ...CONFIG,
      ...JSON_OUT,
      html: { type: 'string', value: 'OUT', text: 'write the report as one HTML page to OUT' }
    },
    examples: ['carrier-gateway certify XB tests/xb/*.edi --html xb-report.html'],
    exits: '1 a file would be rejected (not passed); 2 no valid agreement for CODE, or a FILE cannot be read; 3 OUT cannot be written'
  },
  carriers: {
    summary: 'list | show CODE | add CODE ... | set-stage CODE STAGE --reason TEXT',
    usage: Object.values(CARRIERS).map(s => s.usage[0]),
    options: { ...CONFIG },
    examples: ['carrier-gateway carriers list', 'carrier-gateway carriers add --help'],
    exits: SUB_EXITS,
    subcommands: CARRIERS
  },
  certs: {
    summary: 'issue CODE --out DIR | show FILE',
    usage: Object.values(CERTS).map(s => s.usage[0]),
    options: { ...CONFIG },
    examples: ['carrier-gateway certs issue XB --out /tmp/xb'],
    exits: SUB_EXITS,
    subcommands: CERTS
  },
  quarantine: {
    summary: 'list | show ID | release ID | purge',
    usage: Object.values(QUARANTINE).map(s => s.usage[0]),
    options: { ...CONFIG },
    examples: ['carrier-gateway quarantine list', 'carrier-gateway quarantine release --help'],
    exits: SUB_EXITS,
    subcommands: QUARANTINE
  },
  send: {
    summary: 'send a file over HTTPS+mTLS as a carrier would; print the ack',
    usage: ['send FILE --cert C --key K --ca CA [--url URL] [--json]'],
    options: {
      ...CONFIG,
      url: { type: 'string', value: 'URL', default: 'https://localhost:8443', text: "the gateway's carrier-facing address" },
      cert: { type: 'string', value: 'FILE', required: true, text: 'client certificate (PEM)' },
      key: { type: 'string', value: 'FILE', required: true, text: 'its private key (PEM)' },
      ca: { type: 'string', value: 'FILE', required: true, text: "CA that signed the gateway's server certificate" },
      json: { type: 'boolean', default: false, text: 'ask for the JSON reply (Accept: application/json)' },
      interactive: {
        type: 'boolean',
        default: false,
        text: 'send an interactive API request to /v1/interactive and print the CUSRES (docs/interactive.md)'
      }
    },
    examples: [
      'carrier-gateway send examples/xa-paxlst.edi ' +
      '--cert certs-example/xa-client.crt --key certs-example/xa-client.key --ca certs-example/ca.crt'
    ],
    exits: '1 the gateway answered other than 2xx; 2 a FILE cannot be read; 3 no answer (refused, TLS failure)'
  },
  'piu-responder': {
    summary: "answer interactive API requests as a PIU's assessment service would, by rules (tests and demos)",
    usage: ['piu-responder --rules FILE [--delay MS] [--config FILE]'],
    description: [
      'Consumes forward.amqp.iapiQueue on the PIU broker and answers each request to its replyTo with the',
      'decision JSON of docs/interactive.md, decided by the rules file (the agreement testResponder form:',
      '{ default: 0Z, rules: [ { documentNumber: "TEST1Z*", decision: 1Z } ] }). Runs until SIGTERM or SIGINT.'
    ],
    options: {
      ...CONFIG,
      rules: { type: 'string', value: 'FILE', required: true, text: 'YAML or JSON rules file' },
      delay: { type: 'string', value: 'MS', default: '0', text: 'wait this long before each answer' },
      malformed: { type: 'boolean', default: false, text: 'answer with JSON that fails the decision schema (fault tests)' },
      cusres: {
        type: 'string',
        value: 'SENDER',
        text: 'answer with a ready-made CUSRES from this UNB sender id instead of the decision JSON'
      }
    },
    examples: ['carrier-gateway piu-responder --rules examples/piu-rules.yaml --delay 200'],
    exits: '2 the rules file cannot be read or is not a rules file; 3 the PIU broker cannot be reached'
  },
  flights: {
    summary: 'flights with what was due, what came and its state (docs/flights.md)',
    usage: ['flights [--carrier CODE] [--date YYYY-MM-DD] [--json] [--config FILE]'],
    description: ['Reads the ledger; states are evaluated now against each carrier\'s agreement schedule.'],
    options: {
      ...CONFIG,
      carrier: { type: 'string', value: 'CODE', defaultText: 'every carrier', text: 'only this carrier\'s flights' },
      date: { type: 'string', value: 'YYYY-MM-DD', defaultText: 'today and tomorrow (UTC)', text: 'flights of this UTC date' },
      ...JSON_OUT
    },
    examples: ['carrier-gateway flights --carrier XA --date 2026-12-24'],
    exits: '2 a malformed CODE or date; 3 the ledger cannot be read'
  },
  scorecard: {
    summary: "a carrier's scorecard for a period: pushes on time, series, acceptance, data quality",
    usage: ['scorecard CODE --from DATE --to DATE [--json | --html OUT | --csv OUT] [--config FILE]'],
    description: ['Counts and rates only, no passenger data. DATE is YYYY-MM-DD (UTC flight dates, inclusive).'],
    options: {
      ...CONFIG,
      from: { type: 'string', value: 'DATE', required: true, text: 'first flight date' },
      to: { type: 'string', value: 'DATE', required: true, text: 'last flight date' },
      ...JSON_OUT,
      html: { type: 'string', value: 'OUT', text: 'write the scorecard as one HTML page with charts to OUT' },
      csv: { type: 'string', value: 'OUT', text: 'write the figures as CSV to OUT' }
    },
    examples: ['carrier-gateway scorecard XA --from 2026-12-01 --to 2026-12-31 --html xa-december.html'],
    exits: '2 a malformed or reversed period, or no valid agreement for CODE; 3 the ledger cannot be read or OUT cannot be written'
  },
  outbound: {
    summary: 'list | show ID | resend ID: messages from the PIU to carriers (docs/outbound.md)',
    usage: Object.values(OUTBOUND).map(s => s.usage[0]),
    options: { ...CONFIG },
    examples: ['carrier-gateway outbound list --carrier XA', 'carrier-gateway outbound resend --help'],
    exits: SUB_EXITS,
    subcommands: OUTBOUND
  },
  probe: {
    summary: "check a carrier's SFTP or AMQP connectivity",
    usage: ['probe CODE [--channel sftp|amqp] [--json] [--config FILE]'],
    description: ['Reads and never changes: no file is claimed or moved, no message consumed.'],
    options: {
      ...CONFIG,
      channel: { type: 'string', value: 'sftp|amqp', defaultText: 'every configured channel', text: 'probe only this channel' },
      ...JSON_OUT
    },
    examples: ['carrier-gateway probe XS --channel sftp'],
    exits: '1 a channel check failed (server or broker unreachable, host key, folders, queues); ' +
      '2 no valid agreement for CODE, or it has no such channel'
  }
} as const satisfies Record<string, CommandSpec>

export type CommandName = keyof typeof SPECS
