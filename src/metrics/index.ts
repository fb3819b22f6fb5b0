/**
 * The metrics catalogue: one dedicated prom-client Registry per gateway instance (no global state
 * between tests), every name prefixed `carrier_gateway_`, labels bounded: carrier codes come from
 * the agreements (`unknown` otherwise), channel / type / outcome / code from fixed sets. Each
 * channel and stage adds its metrics here so the catalogue stays in one place (docs/metrics.md "Catalogue").
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

const P = 'carrier_gateway_'
/** Seconds; covers a sub-millisecond directory write up to a slow spool-backed 30 s retry path. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Bounded label values: anything not in the set becomes 'other'. */
export const MESSAGE_TYPES = new Set(['PAXLST', 'PNRGOV', 'CONTRL', 'CUSRES', 'ACKRES'])
export function typeLabel (type: string | null | undefined): string {
  return type != null && MESSAGE_TYPES.has(type) ? type : type == null ? 'unknown' : 'other'
}

export function createMetrics (options: { defaults?: boolean } = {}) {
  const registry = new Registry()
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: P })
  const r = [registry]
  // Each metric is named `carrier_gateway_<name>` and registered in this instance's registry only.
  const counter = <L extends string = string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: `${P}${name}`, help, labelNames, registers: r })
  const gauge = <L extends string = string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name: `${P}${name}`, help, labelNames, registers: r })
  const histogram = <L extends string = string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name: `${P}${name}`, help, labelNames, buckets, registers: r })
  const m = {
    registry,
    // ── transmissions ────────────────────────────────────────────────────────────────────────
    transmissions: counter(
      'transmissions_total',
      'Transmissions by carrier, channel, message type and outcome',
      ['carrier', 'channel', 'type', 'outcome']
    ),
    bytes: counter('received_bytes_total', 'Bytes received by carrier and channel', ['carrier', 'channel']),
    validationErrors: counter(
      'validation_errors_total',
      'Fatal findings and warnings by carrier, message type, CONTRL code and level (error|warning)',
      ['carrier', 'type', 'code', 'severity']
    ),
    refusals: counter(
      'refusals_total',
      'Requests refused before an ack could be built, by channel and catalogue id',
      ['channel', 'reason']
    ),
    acks: counter(
      'acks_total',
      'Acknowledgements by kind (contrl|ackres|json) and result (positive|negative|duplicate)',
      ['carrier', 'kind', 'result']
    ),
    durableLatency: histogram(
      'receive_to_durable_seconds',
      'Receipt to durable hand-off (target confirm or spool fsync), by channel',
      ['channel'],
      LATENCY_BUCKETS
    ),
    ackLatency: histogram(
      'receive_to_ack_seconds',
      'Receipt to the reply being ready for the carrier, by channel',
      ['channel'],
      LATENCY_BUCKETS
    ),
    inFlight: gauge('transmissions_in_flight', 'Transmissions being processed now'),
    checkWaiting: gauge('check_waiting', 'Large transmissions waiting for a free checking worker thread'),
    lastTransmission: gauge(
      'last_transmission_timestamp_seconds',
      'Unix time of the last transmission per carrier and message type (any outcome)',
      ['carrier', 'type']
    ),
    timeliness: histogram(
      'minutes_before_departure',
      'Scheduled departure minus receipt time in minutes (negative: after departure), by carrier and type',
      ['carrier', 'type'],
      [-60, 0, 15, 30, 60, 120, 240, 480, 1440, 2880]
    ),
    // ── data quality (per carrier; completeness = 1 - missing/received) ─────────────────────
    travellers: counter('travellers_total', 'Travellers received in accepted messages, by carrier and type', ['carrier', 'type']),
    travellersMissing: counter(
      'travellers_missing_total',
      'Travellers lacking a field (document_number|document_expiry|birth_date|nationality|gender), by carrier and type',
      ['carrier', 'type', 'field']
    ),
    // ── agreements and identity ─────────────────────────────────────────────────────────────
    carrierStage: gauge('carrier_stage', '1 for the stage each carrier is in (testing|live|suspended)', ['carrier', 'stage']),
    certificateExpiry: gauge(
      'client_certificate_expiry_timestamp_seconds',
      'notAfter of each pinned client certificate (from the agreement or the last handshake)',
      ['carrier', 'fingerprint']
    ),
    overdue: gauge(
      'carrier_overdue',
      '1 when a carrier has been silent for longer than its agreement expects (expect.TYPE.maxSilenceMinutes)',
      ['carrier', 'type']
    ),
    // ── the carrier listener's own TLS material (src/channels/https/tls-expiry.ts) ──────────
    serverCertificateExpiry: gauge(
      'server_certificate_expiry_timestamp_seconds',
      'notAfter of each server certificate of the HTTPS listener, by SHA-256 fingerprint prefix',
      ['fingerprint']
    ),
    clientCaExpiry: gauge(
      'client_ca_expiry_timestamp_seconds',
      'notAfter of each certificate in https.clientCa, by SHA-256 fingerprint prefix',
      ['fingerprint']
    ),
    crlNextUpdate: gauge(
      'crl_next_update_timestamp_seconds',
      'nextUpdate of each CRL in https.crl, by SHA-256 fingerprint prefix of the CRL (no series without a CRL)',
      ['fingerprint']
    ),
    tlsFailures: counter('tls_handshake_failures_total', 'TLS handshake failures and certificate refusals by reason', ['reason']),
    rateLimited: counter('rate_limited_total', 'Requests refused with 429 by carrier', ['carrier']),
    configReloads: counter('config_reloads_total', 'Agreement reloads by result (ok|failed)', ['result']),
    // ── forward target, spool, ledger ───────────────────────────────────────────────────────
    targetUp: gauge('forward_target_up', '1 when the forward target is connected and not blocked', ['target']),
    targetBlocked: gauge('forward_target_blocked', '1 while the broker has a resource alarm (connection.blocked)', ['target']),
    forwardInFlight: gauge('forward_unconfirmed', 'Publishes awaiting a broker confirm (the in-flight window)'),
    confirmLatency: histogram('forward_confirm_seconds', 'Publish to confirm latency', [], LATENCY_BUCKETS),
    forwarded: counter(
      'forwarded_total',
      'Transmissions handed off durably, by destination (production|test|quarantine) and via (target|spool|relay)',
      ['destination', 'via']
    ),
    forwardFailures: counter('forward_failures_total', 'Publishes that failed or timed out, by reason', ['reason']),
    spoolFiles: gauge('spool_files', 'Transmissions waiting in the local spool'),
    spoolBytes: gauge('spool_bytes', 'Bytes waiting in the local spool'),
    spoolOldest: gauge('spool_oldest_age_seconds', 'Age of the oldest spooled transmission (0 when empty)'),
    ledgerRows: gauge('ledger_rows', 'Rows in the transmission ledger'),
    ledgerErrors: counter('ledger_errors_total', 'Ledger operations that failed'),
    quarantined: counter('quarantined_total', 'Rejected transmissions put in quarantine, by carrier', ['carrier']),
    ready: gauge('ready', '1 when /health/ready answers 200'),
    // ── SFTP channel ────────────────────────────────────────────────────────────────────────
    sftpPolls: counter('sftp_polls_total', 'SFTP polls by carrier and result (ok|error)', ['carrier', 'result']),
    sftpFiles: counter(
      'sftp_files_total',
      'SFTP files by carrier and action (claimed|lost_claim|skipped_unstable|done|rejected|returned|reclaimed_stale)',
      ['carrier', 'action']
    ),
    sftpConnected: gauge('sftp_connected', '1 while the SFTP session to the carrier is up', ['carrier']),
    sftpHostKeyMismatch: counter(
      'sftp_host_key_mismatch_total',
      'Connections refused because the server host key did not match the pinned one',
      ['carrier']
    ),
    sftpLastPoll: gauge('sftp_last_poll_timestamp_seconds', 'Unix time of the last successful poll', ['carrier']),
    sftpOldestFileAge: gauge(
      'sftp_oldest_file_age_seconds',
      'Age (from its mtime) of the oldest file waiting in the carrier inbox at the last poll; 0 when none',
      ['carrier']
    ),
    // ── AMQP bridge channel ─────────────────────────────────────────────────────────────────
    bridgeDeliveries: counter(
      'amqp_bridge_deliveries_total',
      'Bridge deliveries by carrier and action (acked|requeued|dead_lettered)',
      ['carrier', 'action']
    ),
    bridgeConnected: gauge('amqp_bridge_connected', '1 while the bridge consumer for a carrier is connected and consuming', ['carrier']),
    bridgeReconnects: counter(
      'amqp_bridge_reconnects_total',
      'Bridge connections to a carrier broker lost and re-established',
      ['carrier']
    ),
    bridgeRedeliveries: counter(
      'amqp_bridge_redeliveries_total',
      'Bridge deliveries the broker flagged as redelivered (requeued after a retry, or unsettled when a connection or gateway was lost)',
      ['carrier']
    ),
    bridgeQueueReady: gauge(
      'amqp_bridge_queue_ready',
      'Messages ready on the carrier queue (lag), polled with a passive queue check',
      ['carrier']
    ),
    // ── interactive API ─────────────────────────────────────────────────────────────────────
    iapiRequests: counter(
      'iapi_requests_total',
      'Interactive API requests by carrier, channel and outcome (decided|timeout|rejected|refused)',
      ['carrier', 'channel', 'outcome']
    ),
    iapiDecisions: counter('iapi_decisions_total', 'Passenger decisions sent by carrier and code (0Z|1Z|2Z|4Z)', ['carrier', 'decision']),
    iapiPiuLatency: histogram(
      'iapi_piu_latency_seconds',
      'From the publish of a request to the PIU\'s answer, for answers within the deadline',
      ['carrier'],
      LATENCY_BUCKETS
    ),
    iapiGatewayLatency: histogram(
      'iapi_gateway_latency_seconds',
      'Time the gateway itself adds to an interactive request: the round trip minus the PIU\'s answer time',
      ['carrier'],
      LATENCY_BUCKETS
    ),
    iapiDeadlineMisses: counter(
      'iapi_deadline_misses_total',
      'Interactive requests answered without a PIU decision, by reason (timeout|broker|invalid)',
      ['carrier', 'reason']
    ),
    iapiLateDecisions: counter('iapi_late_decisions_total', 'PIU decisions that arrived after their request\'s deadline', ['carrier']),
    // ── messages from the PIU to carriers (docs/outbound.md) ─────────────────────────────────────
    outboundMessages: gauge(
      'outbound_messages',
      'Messages to carriers in the outbox by carrier, kind (cusres|govreq) and state (queued|delivered|fetched|answered|expired)',
      ['carrier', 'kind', 'state']
    ),
    outboundReceived: counter(
      'outbound_received_total',
      'Messages to carriers taken in, by carrier, kind and origin (piu|late-decision)',
      ['carrier', 'kind', 'origin']
    ),
    outboundRefused: counter('outbound_refused_total', 'PIU messages dead-lettered, by reason (a GW_ERR_OUTBOUND_* id)', ['reason']),
    outboundDuplicates: counter('outbound_duplicates_total', 'PIU messages delivered again and not stored twice', ['carrier']),
    outboundDeliveries: counter(
      'outbound_deliveries_total',
      'Delivery attempts to carriers by carrier, channel and result (delivered|failed)',
      ['carrier', 'channel', 'result']
    ),
    outboundAnswered: counter('outbound_answered_total', 'Messages to carriers answered (CUSRES 312, PNRGOV push)', ['carrier', 'kind']),
    outboundExpired: counter('outbound_expired_total', 'Messages to carriers expired undelivered or unfetched', ['carrier', 'kind']),
    outboundStuck: gauge(
      'outbound_stuck',
      'Messages to carriers queued, or held for an HTTPS fetch, for longer than outbound.stuckMinutes',
      ['carrier']
    ),
    outboundUnanswered: gauge('outbound_govreq_unanswered', 'GOVREQs whose PNRGOV push is overdue', ['carrier']),
    // ── flights: what was due and what came (docs/flights.md "Metrics") ──────────────────────────
    flightPushes: counter(
      'flight_pushes_total',
      'Due pushes decided, by carrier, type (pnr|api-passengers|api-crew|api-final|govreq) and state (on_time|late|missing)',
      ['carrier', 'type', 'state']
    ),
    flightSeries: counter('series_total', 'Multi-part series decided, by carrier and state (complete|incomplete)', ['carrier', 'state']),
    flightOnTimeRate: gauge(
      'flight_on_time_ratio',
      'Share of the due pushes decided on time over the flights of the last 7 days, by carrier (absent without due pushes)',
      ['carrier']
    ),
    // ── sensitive data: EU PNR Directive Art. 13(4) filter (docs/sensitive-data.md) ─────────────────
    sensitiveFiltered: counter(
      'sensitive_filtered_total',
      'Elements the sensitive-data filter removed from PNRGOV handed off (forwarded, spooled or quarantined), by carrier',
      ['carrier']
    )
  }
  return m
}

export type Metrics = ReturnType<typeof createMetrics>
