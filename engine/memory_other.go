//go:build duckdb_arrow && !linux

package engine

// physicalMemory is unknown off Linux: DuckDB's own default stays.
func physicalMemory() uint64 { return 0 }
