package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/sampling"
	"github.com/vn-registries/dq/sqltext"
)

var pg = dialect.Postgres{}

// relation is the dataset's FROM item (connectors.Relation), a query
// aliased q.
func relation(ds *config.Dataset) (string, error) {
	return connectors.Relation(pg, "postgres", "q", ds)
}

// checkText refuses where: and query: that are not one statement's text,
// before any connection is opened. dq validate says so first; this holds
// for what it did not see (where: with the incremental window added).
func checkText(ds *config.Dataset) error {
	if err := sqltext.Fragment(sqltext.Postgres, ds.Where); err != nil {
		return fmt.Errorf("%w: dataset %s: where: %w", connectors.ErrConfig, ds.ID, err)
	}
	if err := sqltext.Query(sqltext.Postgres, ds.Query); err != nil {
		return fmt.Errorf("%w: dataset %s: query: %w", connectors.ErrConfig, ds.ID, err)
	}
	return nil
}

// checkDataset refuses a dataset whose text, relation or filters cannot
// be used, before any connection is opened.
func checkDataset(ds *config.Dataset) error {
	if err := checkText(ds); err != nil {
		return err
	}
	if _, err := relation(ds); err != nil {
		return err
	}
	_, err := predicates(ds, true)
	return err
}

func sampleOf(ds *config.Dataset) config.Sample {
	if ds.Sample == nil {
		return config.Sample{Method: "full"}
	}
	s := *ds.Sample
	if s.Method == "" {
		s.Method = "full"
	}
	return s
}

// predicates are where: and, for a hash sample, the hash filter.
func predicates(ds *config.Dataset, withSample bool) ([]string, error) {
	var preds []string
	if strings.TrimSpace(ds.Where) != "" {
		preds = append(preds, "("+ds.Where+")")
	}
	if !withSample {
		return preds, nil
	}
	s := sampleOf(ds)
	switch s.Method {
	case "full":
	case "hash":
		if ds.SampleKey() == "" {
			return nil, fmt.Errorf("%w: dataset %s: a hash sample needs key:", connectors.ErrConfig, ds.ID)
		}
		if !(s.Fraction > 0 && s.Fraction <= 1) {
			return nil, fmt.Errorf("%w: dataset %s: sample fraction %v is not in (0, 1]", connectors.ErrConfig, ds.ID, s.Fraction)
		}
		preds = append(preds, sampling.HashFilter(pg, ds.SampleKey(), s.Fraction))
	case "rows":
		if s.Rows <= 0 {
			return nil, fmt.Errorf("%w: dataset %s: a rows sample needs rows: > 0", connectors.ErrConfig, ds.ID)
		}
	default:
		return nil, fmt.Errorf("%w: dataset %s: unknown sample method %q (full, hash, rows)", connectors.ErrConfig, ds.ID, s.Method)
	}
	return preds, nil
}

func whereClause(preds []string) string {
	if len(preds) == 0 {
		return ""
	}
	return "\nWHERE " + strings.Join(preds, " AND ")
}

// selectSQL is the dataset's SELECT with where: and sample: applied.
//
// A rows sample of a table is TABLESAMPLE BERNOULLI with a percentage from
// the planner's row estimate (oversampled by ~10% + 3 sigma) and
// REPEATABLE (seed), cut to rows: with LIMIT: the same seed on unchanged
// data gives the same rows. A query: cannot take TABLESAMPLE, so its rows
// sample orders by md5 of the row's text and the seed (deterministic, one
// top-N sort in the server).
func (c *Connector) selectSQL(ctx context.Context, pc *pgconn.PgConn, ds *config.Dataset) (string, error) {
	rel, err := relation(ds)
	if err != nil {
		return "", err
	}
	preds, err := predicates(ds, true)
	if err != nil {
		return "", err
	}
	s := sampleOf(ds)
	if s.Method != "rows" {
		return "SELECT * FROM " + rel + whereClause(preds), nil
	}
	if ds.Query != "" {
		return fmt.Sprintf("SELECT * FROM %s%s\nORDER BY md5(CAST(q AS TEXT) || %s)\nLIMIT %d",
			rel, whereClause(preds), pg.String(strconv.FormatInt(s.Seed, 10)), s.Rows), nil
	}
	est, err := c.planRows(ctx, pc, "dataset "+ds.ID, "SELECT * FROM "+rel+whereClause(preds))
	if err != nil {
		return "", err
	}
	pct := 100.0
	if est > 0 {
		want := float64(s.Rows)*1.1 + 3*math.Sqrt(float64(s.Rows)) + 100
		pct = math.Min(100, 100*want/est)
	}
	return fmt.Sprintf("SELECT * FROM %s TABLESAMPLE BERNOULLI (%s) REPEATABLE (%d)%s\nLIMIT %d",
		rel, strconv.FormatFloat(pct, 'f', 6, 64), s.Seed, whereClause(preds), s.Rows), nil
}

// planRows is the planner's estimate of a query's rows.
func (c *Connector) planRows(ctx context.Context, pc *pgconn.PgConn, what, query string) (float64, error) {
	rows, err := c.queryText(ctx, pc, what, "EXPLAIN (FORMAT JSON) "+query)
	if err != nil {
		return 0, err
	}
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if len(rows) == 0 || json.Unmarshal(rows[0][0], &plan) != nil || len(plan) == 0 {
		return 0, fmt.Errorf("%w: postgres %s: %s: cannot read the plan estimate", connectors.ErrQuery, c.safe, what)
	}
	return plan[0].Plan.Rows, nil
}

// queryText runs one statement, in the extended protocol (one statement
// only), and returns its rows in text format; what names the dataset.
func (c *Connector) queryText(ctx context.Context, pc *pgconn.PgConn, what, query string, params ...string) ([][][]byte, error) {
	vals := make([][]byte, len(params))
	for i, p := range params {
		vals[i] = []byte(p)
	}
	sctx, cancel := c.statement(ctx)
	defer cancel()
	res := pc.ExecParams(sctx, query, vals, nil, nil, nil).Read()
	if res.Err != nil {
		return nil, c.errorf(connectors.ErrQuery, connectors.StatementError(sctx, res.Err), "%s: %s", what, firstLine(query))
	}
	return res.Rows, nil
}

// prepare describes one statement without running it; the server parses
// it as one statement or refuses it.
func (c *Connector) prepare(ctx context.Context, pc *pgconn.PgConn, what, query string) (*pgconn.StatementDescription, error) {
	sctx, cancel := c.statement(ctx)
	defer cancel()
	desc, err := pc.Prepare(sctx, "", query, nil)
	if err != nil {
		return nil, c.errorf(connectors.ErrQuery, connectors.StatementError(sctx, err), "%s: describe", what)
	}
	return desc, nil
}

func firstLine(q string) string {
	if i := strings.IndexByte(q, '\n'); i >= 0 {
		q = q[:i] + " ..."
	}
	if len(q) > 200 {
		q = q[:200] + "..."
	}
	return q
}
