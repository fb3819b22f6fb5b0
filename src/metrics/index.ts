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
  const m = {
    registry,
    // ── transmissions ────────────────────────────────────────────────────────────────────────
    transmissions: new Counter({ name: `${P}transmissions_total`, help: 'Transmissions by carrier, channel, message type and outcome', labelNames: ['carrier', 'channel', 'type', 'outcome'] as const, registers: r }),
    bytes: new Counter({ name: `${P}received_bytes_total`, help: 'Bytes received by carrier and channel', labelNames: ['carrier', 'channel'] as const, registers: r }),
    validationErrors: new Counter({ name: `${P}validation_errors_total`, help: 'Fatal findings and warnings by carrier, message type, CONTRL code and level (error|warning)', labelNames: ['carrier', 'type', 'code', 'severity'] as const, registers: r }),
    refusals: new Counter({ name: `${P}refusals_total`, help: 'Requests refused before an ack could be built, by channel and catalogue id', labelNames: ['channel', 'reason'] as const, registers: r }),
    acks: new Counter({ name: `${P}acks_total`, help: 'Acknowledgements by kind (contrl|ackres|json) and result (positive|negative|duplicate)', labelNames: ['carrier', 'kind', 'result'] as const, registers: r }),
    durableLatency: new Histogram({ name: `${P}receive_to_durable_seconds`, help: 'Receipt to durable hand-off (target confirm or spool fsync), by channel', labelNames: ['channel'] as const, buckets: LATENCY_BUCKETS, registers: r }),
    ackLatency: new Histogram({ name: `${P}receive_to_ack_seconds`, help: 'Receipt to the reply being ready for the carrier, by channel', labelNames: ['channel'] as const, buckets: LATENCY_BUCKETS, registers: r }),
    inFlight: new Gauge({ name: `${P}transmissions_in_flight`, help: 'Transmissions being processed now', registers: r }),
    checkWaiting: new Gauge({ name: `${P}check_waiting`, help: 'Large transmissions waiting for a free checking worker thread', registers: r }),
    lastTransmission: new Gauge({ name: `${P}last_transmission_timestamp_seconds`, help: 'Unix time of the last transmission per carrier and message type (any outcome)', labelNames: ['carrier', 'type'] as const, registers: r }),
    timeliness: new Histogram({ name: `${P}minutes_before_departure`, help: 'Scheduled departure minus receipt time in minutes (negative: after departure), by carrier and type', labelNames: ['carrier', 'type'] as const, buckets: [-60, 0, 15, 30, 60, 120, 240, 480, 1440, 2880], registers: r }),
    // ── data quality (per carrier; completeness = 1 - missing/received) ─────────────────────
    travellers: new Counter({ name: `${P}travellers_total`, help: 'Travellers received in accepted messages, by carrier and type', labelNames: ['carrier', 'type'] as const, registers: r }),
    travellersMissing: new Counter({ name: `${P}travellers_missing_total`, help: 'Travellers lacking a field (document_number|document_expiry|birth_date|nationality|gender), by carrier and type', labelNames: ['carrier', 'type', 'field'] as const, registers: r }),
    // ── agreements and identity ─────────────────────────────────────────────────────────────
    carrierStage: new Gauge({ name: `${P}carrier_stage`, help: '1 for the stage each carrier is in (testing|live|suspended)', labelNames: ['carrier', 'stage'] as const, registers: r }),
    certificateExpiry: new Gauge({ name: `${P}client_certificate_expiry_timestamp_seconds`, help: 'notAfter of each pinned client certificate (from the agreement or the last handshake)', labelNames: ['carrier', 'fingerprint'] as const, registers: r }),
    overdue: new Gauge({ name: `${P}carrier_overdue`, help: '1 when a carrier has been silent for longer than its agreement expects (expect.TYPE.maxSilenceMinutes)', labelNames: ['carrier', 'type'] as const, registers: r }),
    tlsFailures: new Counter({ name: `${P}tls_handshake_failures_total`, help: 'TLS handshake failures and certificate refusals by reason', labelNames: ['reason'] as const, registers: r }),
    rateLimited: new Counter({ name: `${P}rate_limited_total`, help: 'Requests refused with 429 by carrier', labelNames: ['carrier'] as const, registers: r }),
    configReloads: new Counter({ name: `${P}config_reloads_total`, help: 'Agreement reloads by result (ok|failed)', labelNames: ['result'] as const, registers: r }),
    // ── forward target, spool, ledger ───────────────────────────────────────────────────────
    targetUp: new Gauge({ name: `${P}forward_target_up`, help: '1 when the forward target is connected and not blocked', labelNames: ['target'] as const, registers: r }),
    targetBlocked: new Gauge({ name: `${P}forward_target_blocked`, help: '1 while the broker has a resource alarm (connection.blocked)', labelNames: ['target'] as const, registers: r }),
    forwardInFlight: new Gauge({ name: `${P}forward_unconfirmed`, help: 'Publishes awaiting a broker confirm (the in-flight window)', registers: r }),
    confirmLatency: new Histogram({ name: `${P}forward_confirm_seconds`, help: 'Publish to confirm latency', buckets: LATENCY_BUCKETS, registers: r }),
    forwarded: new Counter({ name: `${P}forwarded_total`, help: 'Transmissions handed off durably, by destination (production|test|quarantine) and via (target|spool|relay)', labelNames: ['destination', 'via'] as const, registers: r }),
    forwardFailures: new Counter({ name: `${P}forward_failures_total`, help: 'Publishes that failed or timed out, by reason', labelNames: ['reason'] as const, registers: r }),
    spoolFiles: new Gauge({ name: `${P}spool_files`, help: 'Transmissions waiting in the local spool', registers: r }),
    spoolBytes: new Gauge({ name: `${P}spool_bytes`, help: 'Bytes waiting in the local spool', registers: r }),
    spoolOldest: new Gauge({ name: `${P}spool_oldest_age_seconds`, help: 'Age of the oldest spooled transmission (0 when empty)', registers: r }),
    ledgerRows: new Gauge({ name: `${P}ledger_rows`, help: 'Rows in the transmission ledger', registers: r }),
    ledgerErrors: new Counter({ name: `${P}ledger_errors_total`, help: 'Ledger operations that failed', registers: r }),
    quarantined: new Counter({ name: `${P}quarantined_total`, help: 'Rejected transmissions put in quarantine, by carrier', labelNames: ['carrier'] as const, registers: r }),
    ready: new Gauge({ name: `${P}ready`, help: '1 when /health/ready answers 200', registers: r }),
    // ── SFTP channel ────────────────────────────────────────────────────────────────────────
    sftpPolls: new Counter({ name: `${P}sftp_polls_total`, help: 'SFTP polls by carrier and result (ok|error)', labelNames: ['carrier', 'result'] as const, registers: r }),
    sftpFiles: new Counter({ name: `${P}sftp_files_total`, help: 'SFTP files by carrier and action (claimed|lost_claim|skipped_unstable|done|rejected|returned|reclaimed_stale)', labelNames: ['carrier', 'action'] as const, registers: r }),
    sftpConnected: new Gauge({ name: `${P}sftp_connected`, help: '1 while the SFTP session to the carrier is up', labelNames: ['carrier'] as const, registers: r }),
    sftpHostKeyMismatch: new Counter({ name: `${P}sftp_host_key_mismatch_total`, help: 'Connections refused because the server host key did not match the pinned one', labelNames: ['carrier'] as const, registers: r }),
    sftpLastPoll: new Gauge({ name: `${P}sftp_last_poll_timestamp_seconds`, help: 'Unix time of the last successful poll', labelNames: ['carrier'] as const, registers: r }),
    sftpOldestFileAge: new Gauge({ name: `${P}sftp_oldest_file_age_seconds`, help: 'Age (from its mtime) of the oldest file waiting in the carrier inbox at the last poll; 0 when none', labelNames: ['carrier'] as const, registers: r }),
    // ── AMQP bridge channel ─────────────────────────────────────────────────────────────────
    bridgeDeliveries: new Counter({ name: `${P}amqp_bridge_deliveries_total`, help: 'Bridge deliveries by carrier and action (acked|requeued|dead_lettered)', labelNames: ['carrier', 'action'] as const, registers: r }),
    bridgeConnected: new Gauge({ name: `${P}amqp_bridge_connected`, help: '1 while the bridge consumer for a carrier is connected and consuming', labelNames: ['carrier'] as const, registers: r }),
    bridgeReconnects: new Counter({ name: `${P}amqp_bridge_reconnects_total`, help: 'Bridge connections to a carrier broker lost and re-established', labelNames: ['carrier'] as const, registers: r }),
    bridgeRedeliveries: new Counter({ name: `${P}amqp_bridge_redeliveries_total`, help: 'Bridge deliveries the broker flagged as redelivered (requeued after a retry, or unsettled when a connection or gateway was lost)', labelNames: ['carrier'] as const, registers: r }),
    bridgeQueueReady: new Gauge({ name: `${P}amqp_bridge_queue_ready`, help: 'Messages ready on the carrier queue (lag), polled with a passive queue check', labelNames: ['carrier'] as const, registers: r })
  }
  return m
}

export type Metrics = ReturnType<typeof createMetrics>
