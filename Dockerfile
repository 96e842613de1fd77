# The one Sidelane image: `sidelane controller`, `sidelane injector`, and in meshed pods
# `sidelane iptables` (the init container, run as root with NET_ADMIN/NET_RAW) and `sidelane proxy`.
# Build: docker build -t ghcr.io/sidelane/sidelane:0.1.0 .

# Compile the TypeScript (npm run build → dist/, with configsync.proto copied next to its loader).
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY sidecar sidecar
COPY injector injector
RUN npm run build

FROM node:24-slim
# iptables: Debian's package carries both backends (iptables-nft, iptables-legacy) and ip6tables;
# `sidelane iptables --backend auto` picks the one the node uses.
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/sidelane
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist dist
# bin/sidelane.js runs dist/ when it exists (it does here), so tsx, a dev dependency, is never loaded.
COPY bin bin
# `sidelane demo` reads examples/demo.
COPY examples examples
RUN chmod 0755 bin/sidelane.js && ln -s /opt/sidelane/bin/sidelane.js /usr/local/bin/sidelane
# The proxy's UID: the injected init container runs as root instead (runAsUser 0).
USER 1337:1337
ENTRYPOINT ["sidelane"]
CMD ["--help"]
