package mysql

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/sampling"
	"github.com/vn-registries/dq/sqltext"
)

// from is the dataset's relation (connectors.Relation).
func from(ds *config.Dataset) (string, error) {
	return connectors.Relation(dialect.MySQL{}, "mysql", "AS dq_src", ds)
}

// checkText refuses where: and query: that are not one statement's text,
// or that hold SELECT … INTO, before anything is sent. dq validate says so
// first; this holds for what it did not see (where: with the incremental
// window added).
func checkText(ds *config.Dataset) error {
	if err := sqltext.Fragment(sqltext.MySQL, ds.Where); err != nil {
		return connectors.Mark(connectors.ErrConfig, fmt.Errorf("dataset %s: where: %w", ds.ID, err))
	}
	if err := sqltext.Query(sqltext.MySQL, ds.Query); err != nil {
		return connectors.Mark(connectors.ErrConfig, fmt.Errorf("dataset %s: query: %w", ds.ID, err))
	}
	return nil
}

// rowsHash orders rows for sample: rows: md5 of the key's text and the
// seed, the key itself breaking ties.
func rowsHash(ds *config.Dataset) string {
	d := dialect.MySQL{}
	return d.HashUnit(fmt.Sprintf("CONCAT(%s, '#%d')", d.Text(d.Ident(ds.Key)), ds.Sample.Seed))
}

// selectSQL is the extract's statement. total is the population size
// (after where:) when known, -1 otherwise.
//
// sample: hash keeps rows whose HashUnit(key) < fraction, the same keys
// DuckDB and PostgreSQL keep. sample: rows keeps the n rows with the
// smallest md5(key || '#' || seed): the same seed gives the same rows on
// every run and every engine with md5, whatever the scan order. When the
// population size N is known, a prefilter hash < (1.1n + 5√n + 100)/N lets
// the server sort about 1.1n rows instead of N; the margin makes the
// chance that it cuts into the n smallest negligible (beyond 5 standard
// deviations). Without a key, ORDER BY RAND(seed) is used, reproducible
// only while the server scans the table in the same order.
func selectSQL(ds *config.Dataset, total int64) (string, error) {
	if err := checkText(ds); err != nil {
		return "", err
	}
	rel, err := from(ds)
	if err != nil {
		return "", err
	}
	where := ""
	if ds.Where != "" {
		where = "(" + ds.Where + ")"
	}
	q, err := sampling.KeyedSelect(dialect.MySQL{}, rel, where, ds, total, func() string { return rowsHash(ds) },
		func(s *config.Sample) (string, error) {
			return fmt.Sprintf(" ORDER BY RAND(%d) LIMIT %d", s.Seed, s.Rows), nil
		})
	if err != nil {
		return "", connectors.Mark(connectors.ErrConfig, err)
	}
	return q, nil
}

// countSQL counts the dataset after where:, before sampling.
func countSQL(ds *config.Dataset) (string, error) {
	if err := checkText(ds); err != nil {
		return "", err
	}
	rel, err := from(ds)
	if err != nil {
		return "", err
	}
	q := "SELECT COUNT(*) FROM " + rel
	if ds.Where != "" {
		q += " WHERE (" + ds.Where + ")"
	}
	return q, nil
}
