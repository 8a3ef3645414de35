//go:build !duckdb_arrow

package engine

// dq links DuckDB with its Arrow interface, which needs a build tag. Build
// and test with it:
//
//	go test -tags duckdb_arrow ./...
//	go run -tags duckdb_arrow ./cmd/dq run --config configs/demo.yaml
//
// (or `make test`, `make demo`). Without the tag the build stops here with
// the message below, instead of an obscure error deep in the driver.
var _ = dq_needs_the_build_tag__use__go_test_tags_duckdb_arrow__or_make_test
