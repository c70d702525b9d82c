# demanager's image: `docker build -t demanager:0.1.0 .` (deploy/kubernetes/README.md).
# Runs `node bin/demanager.js serve` on the compiled dist/ as user 1000; the config comes from
# DEMANAGER_CONFIG and DEMANAGER_* variables.

FROM node:24-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The lock file alone decides the dependencies, and this layer stays cached until it changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY console console
RUN npm run build:console && npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# bin/demanager.js runs dist/ only when it was built after every file of src/, else the sources
# through tsx: src/ comes along, and the check below makes sure the image runs the compiled code.
COPY --from=build /app/src src
COPY bin bin
RUN test -z "$(find src -newer dist/.built)"
# Numeric, so the kubelet can verify runAsNonRoot (the image's `node` user is 1000).
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "bin/demanager.js"]
CMD ["serve", "--host", "0.0.0.0"]
