package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// Count is the population size N: the rows matching where:, before the
// sample. count: exact (default) runs COUNT(*); count: estimate reads
// pg_class.reltuples for a table without where:, the planner's estimate
// for a table with where:, and falls back to COUNT(*) for a query: or a
// table never analyzed. It reads in one read-only transaction.
func (c *Connector) Count(ctx context.Context, req connectors.Request) (int64, error) {
	ds := req.Dataset
	if err := checkText(ds); err != nil {
		return 0, err
	}
	rel, err := relation(ds)
	if err != nil {
		return 0, err
	}
	preds, err := predicates(ds, false)
	if err != nil {
		return 0, err
	}
	switch ds.Count {
	case "", "exact", "estimate":
	default:
		return 0, fmt.Errorf("%w: dataset %s: count: %q (exact, estimate)", connectors.ErrConfig, ds.ID, ds.Count)
	}
	pc, err := c.connect(ctx)
	if err != nil {
		return 0, err
	}
	// Closing the session rolls the transaction back.
	defer c.release(pc)
	what := "dataset " + ds.ID
	if err := c.beginRead(ctx, pc, what); err != nil {
		return 0, err
	}

	if ds.Count == "estimate" && ds.Table != "" {
		if len(preds) > 0 {
			est, err := c.planRows(ctx, pc, what, "SELECT * FROM "+rel+whereClause(preds))
			if err != nil {
				return 0, err
			}
			return int64(est), nil
		}
		rows, err := c.queryText(ctx, pc, what, "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE oid = CAST($1 AS regclass)",
			dialect.QualifiedIdent(pg, ds.Table))
		if err != nil {
			return 0, err
		}
		if len(rows) == 1 {
			if n, err := strconv.ParseInt(string(rows[0][0]), 10, 64); err == nil && n >= 0 {
				return n, nil
			}
		}
		c.log.Info("postgres: no statistics, counting exactly", "dataset", ds.ID)
	}
	rows, err := c.queryText(ctx, pc, what+": count", "SELECT count(*) FROM "+rel+whereClause(preds))
	if err != nil {
		return 0, err
	}
	if len(rows) != 1 {
		return 0, fmt.Errorf("%w: postgres %s: %s: count returned %d rows", connectors.ErrQuery, c.safe, what, len(rows))
	}
	return strconv.ParseInt(string(rows[0][0]), 10, 64)
}
