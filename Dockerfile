# syntax=docker/dockerfile:1
#
# The shop as a container: built with every dependency, run with production ones only, as the unprivileged
# "node" user. No Docker engine runs where this is developed: test/production-start.test.ts runs this file's
# COPY and RUN steps (test/helpers/dockerfile.ts) and then its CMD and HEALTHCHECK against the stand-ins, so
# keep to the instructions that helper reads (FROM, WORKDIR, ENV, COPY, RUN, USER, EXPOSE, HEALTHCHECK, CMD).

FROM node:22-bookworm-slim AS build
WORKDIR /app
# npm ci needs the workspaces' manifests that the lockfile names; production never loads the stand-ins themselves.
COPY package.json package-lock.json ./
COPY packages/sim-kit/package.json packages/sim-kit/
COPY packages/esimgo-sim/package.json packages/esimgo-sim/
COPY packages/stripe-sim/package.json packages/stripe-sim/
COPY packages/telegram-sim/package.json packages/telegram-sim/
COPY packages/whatsapp-sim/package.json packages/whatsapp-sim/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY conversations conversations
COPY migrations migrations
COPY locales locales
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
# The workspaces' manifests only (the lockfile names them); prune leaves the stand-ins' emptied folders behind.
COPY packages/sim-kit/package.json packages/sim-kit/
COPY packages/esimgo-sim/package.json packages/esimgo-sim/
COPY packages/stripe-sim/package.json packages/stripe-sim/
COPY packages/telegram-sim/package.json packages/telegram-sim/
COPY packages/whatsapp-sim/package.json packages/whatsapp-sim/
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
USER node
EXPOSE 3000
# No curl in the slim image: Node's own fetch asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: Node is PID 1 and receives SIGTERM itself (it finishes work in flight, then exits 0).
CMD ["node", "dist/src/main.js"]
