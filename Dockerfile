# All five services from one Dockerfile: one builder stage installs and builds the workspace once, and
# each app is a small runtime target on top of it, so building the five images shares every slow layer.
#   docker build --target kv-unix-server -t sockworks/kv-unix-server .
# (docker compose build builds all five; targets: kv-unix-server, chat-rpc-server, binary-tcp-server,
# ws-jsonrpc-camera-skeleton, http-local-server.)
# No `# syntax=` line: the file uses only classic instructions, so it builds with BuildKit and with the
# classic builder alike, and nothing has to be pulled besides the base image.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS base
RUN npm install -g pnpm@10.34.9 turbo@2.11.11 && npm cache clean --force
WORKDIR /repo

# The workspace packages the five apps need, with a lockfile pruned to them.
FROM base AS pruner
COPY . .
RUN turbo prune binary-tcp-server chat-rpc-server http-local-server kv-unix-server ws-jsonrpc-camera-skeleton --docker

# Install with the frozen lockfile (cached while no package.json or the lockfile changes), build, then
# deploy each app with its production dependencies only. turbo prune leaves out root files the build
# reads, so tsconfig.base.json (every package's tsconfig extends it) and tsup.base.ts (every
# tsup.config.ts imports it) are copied on their own.
FROM base AS builder
COPY --from=pruner /repo/out/json/ .
RUN pnpm install --frozen-lockfile
COPY --from=pruner /repo/out/full/ .
COPY tsconfig.base.json ./
COPY tsup.base.ts ./
RUN pnpm turbo run build \
 && for app in binary-tcp-server chat-rpc-server http-local-server kv-unix-server ws-jsonrpc-camera-skeleton; do \
      pnpm --filter="$app" deploy --prod --legacy "/prod/$app" || exit 1; \
    done

# What every app's image shares: the base image, the unprivileged user, the socket directory.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Socket files live in /run/sockworks so a named volume can share them with client containers, and
# /var/lib/sockworks holds data files (kv's --data-file); a named volume mounted on either starts with
# the image's ownership. The app directory belongs to the unprivileged user so it can create logs/.
RUN mkdir -p /run/sockworks /var/lib/sockworks /app/logs \
 && chown -R node:node /run/sockworks /var/lib/sockworks /app
USER node

# Each app's image: its package.json, its build output and its production node_modules (no sources,
# pnpm or turbo). Defaults that make `docker run -p` work alone: TCP servers listen on all interfaces
# of the container, the kv socket sits in /run/sockworks. CMD runs node itself as PID 1 with the flags
# the entry's shebang asks for.
FROM runtime AS kv-unix-server
COPY --from=builder --chown=node:node /prod/kv-unix-server/package.json ./
COPY --from=builder --chown=node:node /prod/kv-unix-server/node_modules ./node_modules
COPY --from=builder --chown=node:node /prod/kv-unix-server/dist ./dist
ENV KV_SOCKET_PATH=/run/sockworks/python_server.sock
CMD ["node", "dist/main.js"]

FROM runtime AS chat-rpc-server
COPY --from=builder --chown=node:node /prod/chat-rpc-server/package.json ./
COPY --from=builder --chown=node:node /prod/chat-rpc-server/node_modules ./node_modules
COPY --from=builder --chown=node:node /prod/chat-rpc-server/dist ./dist
ENV CHAT_HOST=0.0.0.0
EXPOSE 65432
# A smaller young generation keeps idle connections cheap (the same flag as the bin's shebang).
CMD ["node", "--max-semi-space-size=8", "dist/main.js"]

FROM runtime AS binary-tcp-server
COPY --from=builder --chown=node:node /prod/binary-tcp-server/package.json ./
COPY --from=builder --chown=node:node /prod/binary-tcp-server/node_modules ./node_modules
COPY --from=builder --chown=node:node /prod/binary-tcp-server/dist ./dist
ENV TCP_HOST=0.0.0.0
EXPOSE 9999
CMD ["node", "--max-semi-space-size=8", "dist/main.js"]

FROM runtime AS ws-jsonrpc-camera-skeleton
COPY --from=builder --chown=node:node /prod/ws-jsonrpc-camera-skeleton/package.json ./
COPY --from=builder --chown=node:node /prod/ws-jsonrpc-camera-skeleton/node_modules ./node_modules
COPY --from=builder --chown=node:node /prod/ws-jsonrpc-camera-skeleton/dist ./dist
ENV WS_HOST=0.0.0.0
EXPOSE 8002
CMD ["node", "dist/main.js"]

FROM runtime AS http-local-server
COPY --from=builder --chown=node:node /prod/http-local-server/package.json ./
COPY --from=builder --chown=node:node /prod/http-local-server/node_modules ./node_modules
COPY --from=builder --chown=node:node /prod/http-local-server/dist ./dist
ENV HTTP_HOST=0.0.0.0
EXPOSE 8080
CMD ["node", "dist/main.js"]
