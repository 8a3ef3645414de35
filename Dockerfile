# Multi-stage: DuckDB is linked statically through cgo, so the build stage
# needs gcc; the final image needs only glibc, libstdc++ and the binary.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same build command as `make build` and the README.
RUN CGO_ENABLED=1 go build -tags duckdb_arrow -o /out/dq ./cmd/dq

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata libstdc++6 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /work dq
COPY --from=build /out/dq /usr/local/bin/dq
# dq writes out/ below its working directory, which the user owns.
USER dq
WORKDIR /work
ENTRYPOINT ["dq"]
CMD ["run", "--config", "/work/config.yaml"]
