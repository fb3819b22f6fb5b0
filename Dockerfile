# syntax=docker/dockerfile:1
# Carrier connectivity gateway: HTTPS+mTLS carrier intake on 8443, admin (metrics, health) on 9090.
#
#   docker build -t carrier-gateway .
#   docker run -p 8443:8443 \
#     -v /etc/piu/gateway:/app/config -v /etc/piu/certs:/app/certs -v gateway-var:/app/var \
#     carrier-gateway
#
# The image carries the default config/ (copied into a fresh /app/config volume) but no
# certificates: certs-example/ holds public example keys and is never shipped. Mount real ones
# at /app/certs and point config/gateway.yaml there. The admin listener defaults to
# 127.0.0.1:9090, which the HEALTHCHECK reaches from inside; set admin.host: 0.0.0.0 (and a
# token) to scrape /metrics from outside the container.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript, build native addons (better-sqlite3), drop dev dependencies
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.runtime.json ./
COPY src ./src
RUN npm run build:runtime \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime: compiled code, production node_modules, default config; runs as non-root
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system gateway \
 && useradd --system --gid gateway --home-dir /app --no-create-home --shell /usr/sbin/nologin gateway \
 && mkdir -p /app/config /app/certs /app/var \
 && chown gateway:gateway /app/var
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root config ./config
# Code and config stay root-owned and read-only to the gateway; it writes only under /app/var
# (outbox, spool, quarantine, SQLite ledger). `carriers set-stage` edits agreement files, so
# mount /app/config writable for that user when the CLI is used inside the container.
USER gateway
VOLUME ["/app/config", "/app/certs", "/app/var"]
EXPOSE 8443 9090
# No curl in the slim image: node does the request. Liveness only; readiness is /health/ready.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('http').get('http://127.0.0.1:9090/health/live', r => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1)).setTimeout(4000, function () { this.destroy(); process.exit(1) })"]
# node is PID 1: the gateway handles SIGTERM itself (graceful close); use `docker run --init`
# if child processes are ever spawned.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/cli/main.js", "start"]
