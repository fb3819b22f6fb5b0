# syntax=docker/dockerfile:1
# Carrier connectivity gateway: HTTPS+mTLS carrier intake on 8443, admin (metrics, health) on 9090.
# How to run it, the folders to mount and the compose stack: docs/container.md.
#
#   docker build -t carrier-gateway .
#   docker run -d --init -p 8443:8443 -p 127.0.0.1:9090:9090 \
#     -v /srv/piu/certs:/etc/carrier-gateway/certs:ro \
#     -v /srv/piu/secrets/admin_token:/run/secrets/admin_token:ro \
#     -v gateway-agreements:/etc/carrier-gateway/carriers -v gateway-data:/var/lib/carrier-gateway \
#     carrier-gateway
#
# The image reads config/container/gateway.yaml as /etc/carrier-gateway/gateway.yaml. It carries no
# certificate and no carrier agreement: certs-example/ holds public example keys and never enters an
# image (.dockerignore), and the development config (config/gateway.yaml, config/carriers/) is not
# copied either.

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

# ---- runtime: compiled code, production node_modules, the container config; runs as uid 10001
FROM ${NODE_IMAGE} AS runtime
ARG GATEWAY_UID=10001
ENV NODE_ENV=production \
    CARRIER_GATEWAY_CONFIG=/etc/carrier-gateway/gateway.yaml
# openssl: `carrier-gateway certs issue` runs it to make carrier client certificates.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# A fixed uid/gid, so that host folders can be prepared for it (docs/container.md "Volumes").
RUN groupadd --system --gid ${GATEWAY_UID} gateway \
 && useradd --system --uid ${GATEWAY_UID} --gid gateway --home-dir /var/lib/carrier-gateway --no-create-home \
      --shell /usr/sbin/nologin gateway
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# Code and config are root-owned: the gateway cannot change them. It writes only to the agreements
# folder (`carriers add`, `carriers set-stage`) and under /var/lib/carrier-gateway.
COPY --chown=root:root config/container/gateway.yaml /etc/carrier-gateway/gateway.yaml
COPY --chown=gateway:gateway config/container/carriers/ /etc/carrier-gateway/carriers/
# The audit log is <carriers folder>/../audit.log (docs/container.md "Volumes"): a link puts it in
# the state folder, in audit/ so that several instances can share that one folder.
RUN chmod 0755 dist/src/cli/main.js \
 && ln -s /app/dist/src/cli/main.js /usr/local/bin/carrier-gateway \
 && mkdir -p /etc/carrier-gateway/certs \
      /var/lib/carrier-gateway/spool /var/lib/carrier-gateway/outbox \
      /var/lib/carrier-gateway/quarantine /var/lib/carrier-gateway/audit \
 && chown -R gateway:gateway /var/lib/carrier-gateway /etc/carrier-gateway/carriers \
 && chmod 0750 /var/lib/carrier-gateway \
 && ln -s /var/lib/carrier-gateway/audit/audit.log /etc/carrier-gateway/audit.log
USER gateway
# Declared after the folders exist: a new named volume is initialised from this content and owner.
VOLUME ["/etc/carrier-gateway/carriers", "/var/lib/carrier-gateway"]
EXPOSE 8443 9090
# Readiness: 503 while neither the forward target nor the spool can take transmissions. No curl in
# the slim image: node does the request. Port 9090 is admin.port in config/container/gateway.yaml.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", \
       "fetch('http://127.0.0.1:9090/health/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The gateway handles SIGTERM itself (graceful close within shutdownTimeoutMs); run with `--init`
# (compose: `init: true`) so the openssl children of `certs issue` are reaped.
STOPSIGNAL SIGTERM
CMD ["carrier-gateway", "start"]
