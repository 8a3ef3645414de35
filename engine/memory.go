//go:build duckdb_arrow

package engine

import "fmt"

// defaultMemoryShare is the part of physical memory the engine may hold
// when the config sets no memory_limit. DuckDB's own default is 80%,
// which leaves too little for what dq holds beside it (Arrow batches in
// flight from the connectors, one per worker, and the Go heap), so a run
// on a large table ended in the kernel's OOM killer instead of spilling.
// Half of it keeps the materialised tables bounded: past it, DuckDB
// spills into the private spill folder.
const defaultMemoryShare = 2

// DefaultMemoryLimit is the memory_limit set when Options.MemoryLimit is
// "": half of physical memory, as DuckDB reads a size ("11724MiB"); ""
// where the system does not tell its memory, which keeps DuckDB's 80%.
func DefaultMemoryLimit() string {
	total := physicalMemory()
	if total == 0 {
		return ""
	}
	return fmt.Sprintf("%dMiB", total/defaultMemoryShare>>20)
}
