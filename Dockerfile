# Incident Scout container image: build with the dev dependencies, run with production ones only.
#   docker build -t incident-scout .
#   docker run --env-file .env -p 3000:3000 incident-scout
# Manifests: the image carries the defaults under /app/manifests; mount your own at /etc/incident-scout
# and point the bot at them with TRIAGE_CONFIG=/etc/incident-scout/incident-scout.yaml (see README, Deploy).

# ---- build: compile TypeScript and pack the package exactly as `npm pack` ships it ----
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY scripts ./scripts
COPY assets ./assets
COPY manifests ./manifests
COPY examples ./examples
COPY README.md LICENSE ./
RUN npm pack --pack-destination /tmp && mkdir /out && tar -xzf /tmp/incident-scout-*.tgz -C /out

# ---- runtime: the packed files and production dependencies, as a non-root user ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=build /out/package/ ./
COPY package-lock.json ./
# --ignore-scripts: nothing to build here (dist/ is in the package); optional native addons fall back to JS.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force \
    && ln -s /app/bin/incident-scout.js /usr/local/bin/incident-scout \
    && mkdir -p /etc/incident-scout
# The node image's unprivileged user (uid 1000); the app writes nothing outside /tmp.
USER node
EXPOSE 3000
# No curl in the slim image: ask /healthz with node itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/incident-scout.js"]
CMD ["serve"]
