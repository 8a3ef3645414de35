package clickhouse

import (
	"fmt"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/sampling"
	"github.com/vn-registries/dq/sqltext"
)

// from is the dataset's relation (connectors.Relation).
func from(ds *config.Dataset) (string, error) {
	return connectors.Relation(dialect.ClickHouse{}, "clickhouse", "AS dq_src", ds)
}

// checkText refuses where: and query: that are not one statement's text
// before anything is sent (dq validate says so first).
func checkText(ds *config.Dataset) error {
	if err := sqltext.Fragment(sqltext.ClickHouse, ds.Where); err != nil {
		return connectors.Mark(connectors.ErrConfig, fmt.Errorf("dataset %s: where: %w", ds.ID, err))
	}
	if err := sqltext.Query(sqltext.ClickHouse, ds.Query); err != nil {
		return connectors.Mark(connectors.ErrConfig, fmt.Errorf("dataset %s: query: %w", ds.ID, err))
	}
	return nil
}

// selectSQL is the extract's statement; total is the population size
// after where: when known, -1 otherwise.
//
// sample: hash keeps rows whose HashUnit(key) < fraction: the keys every
// other engine keeps. sample: rows keeps the n rows with the smallest
// md5(key || '#' || seed), as MySQL's and PostgreSQL's connectors do,
// with the same prefilter when N is known; it needs a key, as ClickHouse
// has no seeded random order.
func selectSQL(ds *config.Dataset, total int64) (string, error) {
	d := dialect.ClickHouse{}
	if err := checkText(ds); err != nil {
		return "", err
	}
	rel, err := from(ds)
	if err != nil {
		return "", err
	}
	where := ""
	if ds.Where != "" {
		where = "(" + ds.Where + "\n)"
	}
	q, err := sampling.KeyedSelect(d, rel, where, ds, total, func() string {
		return d.HashUnit(fmt.Sprintf("concat(%s, '#%d')", d.Text(d.Ident(ds.Key)), ds.Sample.Seed))
	}, func(*config.Sample) (string, error) {
		return "", fmt.Errorf("dataset %s: sample: rows on clickhouse needs key: (ClickHouse has no seeded random order)", ds.ID)
	})
	if err != nil {
		return "", connectors.Mark(connectors.ErrConfig, err)
	}
	return q, nil
}

// filterSQL is the predicate of selectSQL's WHERE for a table: with a
// sample, only for hash samples; "" when every row is kept.
func filterSQL(ds *config.Dataset) (string, error) {
	q, err := selectSQL(ds, -1)
	if err != nil {
		return "", err
	}
	_, where, _ := strings.Cut(q, " WHERE ")
	return where, nil
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
	q := "SELECT count() FROM " + rel
	if ds.Where != "" {
		q += " WHERE (" + ds.Where + "\n)"
	}
	return q, nil
}
