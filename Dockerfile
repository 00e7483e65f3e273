# hearth container image. Untested on the machine it was written on (no
# docker there); see docs/deploy.md.
#
#   docker build --build-arg VERSION=$(git describe --always) -t hearth .
#   docker run -d --name hearth -v hearth-data:/var/lib/hearth \
#     -e HEARTH_DISCORD_TOKEN=… -p 127.0.0.1:9090:9090 hearth

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
    HEARTH_HTTP_LISTEN=0.0.0.0:9090 \
    HEARTH_LOG_FORMAT=json
# /healthz and /metrics. Publish it to the host's loopback or a private
# network only: it is for operators.
EXPOSE 9090
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/hearth"]
CMD ["run"]
