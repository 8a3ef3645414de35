package pipeline

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
)

// loaded is a dataset in DuckDB.
type loaded struct {
	table     string // unquoted table name
	rowsTotal int64  // N, -1 when unknown
	sampled   bool
	statement string // how it was loaded, for --explain
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_]+`)

func tableName(i int, id string) string {
	return fmt.Sprintf("ds%d_%s", i, strings.Trim(unsafeName.ReplaceAllString(id, "_"), "_"))
}

// filterSQL is the dataset's where: and sample: as one predicate for
// DuckDB, or "" when everything is kept.
func filterSQL(d dialect.Dialect, ds *config.Dataset) string {
	var preds []string
	if ds.Where != "" {
		preds = append(preds, "("+ds.Where+")")
	}
	if ds.Sample.Method == "hash" {
		preds = append(preds, fmt.Sprintf("%s < %v", d.HashUnit(d.Ident(ds.SampleKey())), ds.Sample.Fraction))
	}
	return strings.Join(preds, " AND ")
}

func where(pred string) string {
	if pred == "" {
		return ""
	}
	return " WHERE " + pred
}

// sampleClause is DuckDB's reproducible row sample.
func sampleClause(ds *config.Dataset) string {
	if ds.Sample.Method != "rows" {
		return ""
	}
	return fmt.Sprintf(" USING SAMPLE reservoir(%d ROWS) REPEATABLE (%d)", ds.Sample.Rows, ds.Sample.Seed)
}

// load brings one dataset into DuckDB. Sources DuckDB reads itself (a
// file source in mode: direct) are read directly; others stream Arrow.
// In explain mode the dataset becomes a view, so nothing is read. Errors
// keep the connector's in their chain, so errors.Is tells its kind
// (connectors.ErrConnect...).
func load(ctx context.Context, conn *engine.Conn, c connectors.Connector, src config.Source, ds *config.Dataset, table string, explain bool) (*loaded, error) {
	d := dialect.DuckDB{}
	qt := d.Ident(table)
	filter := filterSQL(d, ds)
	l := &loaded{table: table, rowsTotal: -1, sampled: ds.Sample.Method != "full"}

	if direct, ok := c.(connectors.DirectReader); ok {
		rel, err := direct.Relation(ds)
		if err != nil {
			return nil, err
		}
		if explain {
			l.statement = fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT * FROM %s%s%s", qt, rel, sampleClause(ds), where(filter))
			return l, conn.Exec(ctx, l.statement)
		}
		if l.sampled {
			row, err := conn.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*) FROM %s%s", rel, where(ds.Where)))
			if err != nil {
				return nil, readError(ds, err)
			}
			l.rowsTotal = checks.ToInt64(row[0])
		}
		l.statement = fmt.Sprintf("CREATE OR REPLACE TABLE %s AS SELECT * FROM %s%s%s", qt, rel, sampleClause(ds), where(filter))
		if err := conn.Exec(ctx, l.statement); err != nil {
			return nil, readError(ds, err)
		}
	} else {
		l.statement = "-- streamed through Arrow from source " + src.Name
		rdr, err := c.Extract(ctx, connectors.Request{Dataset: ds})
		if err != nil {
			return nil, err
		}
		if explain {
			// Planning needs the schema only: stop the extract at once.
			schema := rdr.Schema()
			rdr.Release()
			empty, err := array.NewRecordReader(schema, nil)
			if err != nil {
				return nil, err
			}
			rdr = empty
		}
		raw := table + "__raw"
		err = conn.LoadArrow(ctx, raw, rdr)
		if rerr := rdr.Err(); err != nil && rerr != nil {
			// DuckDB tells a failed stream as text only: keep its
			// message, with the connector's error in the chain.
			err = connectors.Mark(rerr, err)
		}
		rdr.Release()
		if err != nil {
			return nil, readError(ds, err)
		}
		// A connector that pushes filters into its source (databases) has
		// applied them already; files have not, so apply them here.
		if f, ok := c.(connectors.Filtering); ok && f.AppliesFilters() {
			if err := conn.Exec(ctx, fmt.Sprintf("ALTER TABLE %s RENAME TO %s", d.Ident(raw), qt)); err != nil {
				return nil, err
			}
			if counter, ok := c.(connectors.Counter); ok && l.sampled {
				n, err := counter.Count(ctx, connectors.Request{Dataset: ds})
				if err != nil {
					return nil, err
				}
				l.rowsTotal = n
			}
		} else {
			if l.sampled {
				row, err := conn.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*) FROM %s%s", d.Ident(raw), where(ds.Where)))
				if err != nil {
					return nil, readError(ds, err)
				}
				l.rowsTotal = checks.ToInt64(row[0])
			}
			q := fmt.Sprintf("CREATE OR REPLACE TABLE %s AS SELECT * FROM %s%s%s", qt, d.Ident(raw), sampleClause(ds), where(filter))
			if err := conn.Exec(ctx, q); err != nil {
				return nil, readError(ds, err)
			}
			if err := conn.Exec(ctx, "DROP TABLE "+d.Ident(raw)); err != nil {
				return nil, err
			}
		}
	}
	if !l.sampled {
		row, err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM "+qt)
		if err != nil {
			return nil, err
		}
		l.rowsTotal = checks.ToInt64(row[0])
	}
	return l, nil
}

func readError(ds *config.Dataset, err error) error {
	msg := err.Error()
	if ds.Where != "" && strings.Contains(msg, "Binder Error") {
		return fmt.Errorf("dataset %s: where: %q does not fit the data: %w", ds.ID, ds.Where, err)
	}
	return fmt.Errorf("dataset %s: %w", ds.ID, err)
}
