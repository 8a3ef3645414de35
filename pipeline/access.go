package pipeline

import (
	"errors"
	"path/filepath"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// loadPath is how a dataset's rows reach its checks.
type loadPath int

const (
	// readDirect: DuckDB reads the source itself (files in mode: direct),
	// which is faster than going through Arrow; where: and sample: are
	// applied as it reads.
	readDirect loadPath = iota
	// streamFiltered: the connector streams Arrow with where:, sample:
	// and the incremental window already applied in the source
	// (databases).
	streamFiltered
	// streamThenFilter: the connector streams every row (REST APIs, files
	// in mode: arrow); DuckDB applies where:, sample: and the window.
	streamThenFilter
	// checkInSource: engine: source; nothing is loaded, the checks run in
	// a read-only session on the source.
	checkInSource
)

// access is a dataset's connector as the pipeline uses it. Which of a
// connector's optional capabilities matter, and so how a dataset is
// loaded, is decided here and nowhere else.
type access struct {
	path      loadPath
	connector connectors.Connector
	direct    connectors.DirectReader // readDirect
	pushdown  connectors.Pushdown     // checkInSource
	// counter tells N without reading the rows; nil when the rows
	// themselves are counted.
	counter connectors.Counter
	// dialect is what where:, the sample filter and the incremental
	// window are written in: the source's when they run there, DuckDB's
	// otherwise.
	dialect dialect.Dialect
}

// errNoPushdown is an engine: source dataset on a source that cannot run
// checks; Prepare refuses such a config.
var errNoPushdown = errors.New("the source cannot run checks itself; engine: source needs a postgres, mysql or clickhouse source (or drop engine: to extract into the embedded engine)")

// accessOf decides how a dataset is read from its source's connector.
func accessOf(c connectors.Connector, ds *config.Dataset) (access, error) {
	a := access{connector: c, dialect: dialect.DuckDB{}}
	dialected, hasDialect := c.(connectors.Dialected)
	if ds.InSource() {
		pd, ok := c.(connectors.Pushdown)
		if !ok || !hasDialect {
			return a, errNoPushdown
		}
		a.path, a.pushdown, a.dialect = checkInSource, pd, dialected.Dialect()
		a.counter, _ = c.(connectors.Counter)
		return a, nil
	}
	if direct, ok := c.(connectors.DirectReader); ok {
		a.path, a.direct = readDirect, direct
		return a, nil
	}
	if f, ok := c.(connectors.Filtering); ok && f.AppliesFilters() {
		a.path = streamFiltered
		a.counter, _ = c.(connectors.Counter)
		if hasDialect {
			a.dialect = dialected.Dialect()
		}
		return a, nil
	}
	a.path = streamThenFilter
	return a, nil
}

// engineFolders are the only folders the run's engine may open files in:
// those of the datasets DuckDB reads itself, and the history it reads the
// trends from. A dataset's where: runs in the engine, so it can read or
// write no other file.
func engineFolders(cfg *config.Config, datasets []*datasetRun) []string {
	var out []string
	for _, d := range datasets {
		if d.err == nil && d.access.path == readDirect {
			out = append(out, d.access.direct.Folders(d.read)...)
		}
	}
	if !cfg.History.Off {
		if dir, err := filepath.Abs(cfg.History.Dir); err == nil {
			out = append(out, dir)
		}
	}
	return out
}
