# dq links DuckDB's Arrow interface, which needs the duckdb_arrow build tag;
# these targets carry it. The same commands are spelled out in the README.
TAGS := duckdb_arrow

.PHONY: demo test build vet bench fuzz

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

# The validators' fuzz targets with the budget .ci/run gives them (a count of
# inputs: Go 1.26 can fail a duration budget spuriously, go.dev/issue/75804).
fuzz:
	for t in FuzzMST FuzzCCCD FuzzPhone; do \
		go test -run '^$$' -fuzz "^$$t\$$" -fuzztime 100000x ./validators/ || exit 1; \
	done
