# dq links DuckDB's Arrow interface, which needs the duckdb_arrow build tag;
# these targets carry it. The same commands are spelled out in the README.
TAGS := duckdb_arrow

.PHONY: demo test build vet bench

demo:
	go run -tags $(TAGS) ./cmd/dq run --config configs/demo.yaml

test:
	go test -tags $(TAGS) ./...

build:
	CGO_ENABLED=1 go build -tags $(TAGS) -o dq ./cmd/dq

vet:
	go vet -tags $(TAGS) ./...

bench:
	go test -tags $(TAGS) -run '^$$' -bench . -benchtime 3x ./planner/
