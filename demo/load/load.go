// Package load puts the demo registries into a real database, so the
// database configs (configs/demo-postgres.yaml, configs/demo-mysql.yaml)
// check the same data as the file demo.
package load

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/connectors/file"
	"github.com/vn-registries/dq/demo"
)

// writer replaces a table with a stream of rows.
type writer func(ctx context.Context, dsn, table string, r array.RecordReader) (int64, error)

// writerFor picks the database from the target's scheme.
func writerFor(target string) (writer, string, error) {
	switch {
	case strings.HasPrefix(target, "postgres://"), strings.HasPrefix(target, "postgresql://"):
		return writePostgres, target, nil
	case strings.HasPrefix(target, "mysql://"):
		return writeMySQL, target, nil
	case strings.HasPrefix(target, "clickhouse://"):
		return writeClickHouse, target, nil
	}
	return nil, "", fmt.Errorf("target must start with postgres://, mysql:// or clickhouse://")
}

// Load copies every registry of the demo in dir (see demo.Generate) into
// the target database, one table per file named after it (citizens,
// insurance, ...), prefixed by prefix (a schema or database and a dot, or
// ""). It returns the rows written per table.
func Load(ctx context.Context, dir, target, prefix string) (map[string]int64, error) {
	write, dsn, err := writerFor(target)
	if err != nil {
		return nil, err
	}
	truth, err := demo.ReadTruth(dir)
	if err != nil {
		return nil, fmt.Errorf("no demo in %s (run dq demo generate first): %w", dir, err)
	}
	src, err := connectors.Open(config.NewSource("demo", "file", file.Settings{Root: dir, Mode: file.ModeArrow}), connectors.Deps{})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	names := make([]string, 0, len(truth.Datasets))
	for n := range truth.Datasets {
		names = append(names, n)
	}
	sort.Strings(names)
	out := map[string]int64{}
	for _, name := range names {
		ds := &config.Dataset{ID: name, Path: truth.Datasets[name].File}
		rdr, err := src.Extract(ctx, connectors.Request{Dataset: ds})
		if err != nil {
			return out, err
		}
		n, err := write(ctx, dsn, prefix+name, rdr)
		rdr.Release()
		if err != nil {
			return out, err
		}
		if n != truth.Datasets[name].Rows {
			return out, fmt.Errorf("%s: wrote %d rows, the demo has %d", name, n, truth.Datasets[name].Rows)
		}
		out[name] = n
	}
	return out, nil
}
