# hearth container image. Untested on the machine it was written on (no
# docker there); see docs/deploy.md.
#
#   docker build --build-arg VERSION=$(git describe --always) -t hearth .
#   docker run -d --name hearth -v hearth-data:/var/lib/hearth \
#     -e HEARTH_DISCORD_TOKEN=… hearth
#
# /healthz and /metrics listen on the container's loopback only, so nothing
# outside the container reaches them. To scrape /metrics from outside, opt
# in: -e HEARTH_HTTP_LISTEN=0.0.0.0:9090 -p 127.0.0.1:9090:9090 (publish to
# the host's loopback or a private network, never a public address).

# Build: mattn/go-sqlite3 is cgo, so the binary is linked against the
# builder's glibc; the runtime stage uses the same Debian release.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.Version=${VERSION}" -o /out/hearth ./cmd/hearth

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/hearth --shell /usr/sbin/nologin hearth \
 && install -d -m 0700 -o hearth -g hearth /var/lib/hearth
COPY --from=build /out/hearth /usr/local/bin/hearth
USER hearth:hearth
WORKDIR /var/lib/hearth
# The database and, with SQLite, the generated note key (hearth.db.key) live
# on this volume: back it up, key included.
VOLUME ["/var/lib/hearth"]
ENV HEARTH_DATABASE_DSN=/var/lib/hearth/hearth.db \
    HEARTH_HTTP_LISTEN=127.0.0.1:9090 \
    HEARTH_LOG_FORMAT=json
# No EXPOSE: /healthz and /metrics are for operators (see the top). The
# image has no shell, curl or wget to probe them; `hearth healthcheck` asks
# /healthz on [http] listen (a wildcard address on loopback) and exits 0 on
# 200, so the check works whichever listen address is chosen.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/hearth", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/hearth"]
CMD ["run"]
