package sampling

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
)

// HashFilter is the predicate that keeps a row of a hash sample: the first
// 32 bits of md5(key as text) divided by 2³², below fraction. It is the
// same number in every dialect, so two registries sampled on the same
// identifier keep the same identities wherever the filter runs: their
// samples are coordinated and can be joined.
func HashFilter(d dialect.Dialect, keyColumn string, fraction float64) string {
	return d.HashUnit(d.Ident(keyColumn)) + " < " + strconv.FormatFloat(fraction, 'f', -1, 64)
}

// Reservoir is DuckDB's reproducible sample of rows rows, to write after
// a FROM item: the same seed on the same data keeps the same rows.
func Reservoir(rows, seed int64) string {
	return fmt.Sprintf(" USING SAMPLE reservoir(%d ROWS) REPEATABLE (%d)", rows, seed)
}

// RowsPrefilter is the predicate that lets a server sort about 1.1n rows
// instead of total before keeping the n with the smallest hash (sample:
// rows on a key): hash < (1.1n + 5√n + 100)/total. The margin makes the
// chance that it cuts into the n smallest negligible (beyond 5 standard
// deviations). "" when total is unknown (≤ 0) or the bound keeps every
// row.
func RowsPrefilter(hash string, n, total int64) string {
	if total <= 0 {
		return ""
	}
	r := float64(n)
	t := (1.1*r + 5*math.Sqrt(r) + 100) / float64(total)
	if t >= 1 {
		return ""
	}
	return hash + " < " + strconv.FormatFloat(t, 'g', -1, 64)
}

// KeyedSelect is SELECT * FROM rel with where (a predicate, "" for none)
// and ds's sample, as a server without a sampling clause of its own reads
// it (MySQL, ClickHouse). sample: hash keeps rows whose HashUnit(key) <
// fraction, the keys every engine keeps. sample: rows with a key keeps
// the n rows with the smallest rowsHash (the hash unit of the key and
// the seed, as the dialect concatenates them: the same rows on every run
// and every engine whatever the scan order), prefiltered by
// RowsPrefilter when total (the population after where:) is known, -1
// otherwise; keyless is the query's end for a rows sample without a key,
// or why there is none. The errors are the config's.
func KeyedSelect(d dialect.Dialect, rel, where string, ds *config.Dataset, total int64, rowsHash func() string, keyless func(s *config.Sample) (string, error)) (string, error) {
	var preds []string
	if where != "" {
		preds = append(preds, where)
	}
	var tail string
	if s := ds.Sample; s != nil {
		switch s.Method {
		case "", "full":
		case "hash":
			if ds.SampleKey() == "" {
				return "", fmt.Errorf("dataset %s: hash sampling needs key: or sample.key:", ds.ID)
			}
			preds = append(preds, HashFilter(d, ds.SampleKey(), s.Fraction))
		case "rows":
			if s.Rows <= 0 {
				return "", fmt.Errorf("dataset %s: sample.rows must be positive", ds.ID)
			}
			if ds.Key == "" {
				var err error
				if tail, err = keyless(s); err != nil {
					return "", err
				}
				break
			}
			h := rowsHash()
			if p := RowsPrefilter(h, s.Rows, total); p != "" {
				preds = append(preds, p)
			}
			tail = fmt.Sprintf(" ORDER BY %s, %s LIMIT %d", h, d.Ident(ds.Key), s.Rows)
		default:
			return "", fmt.Errorf("dataset %s: unknown sample method %q", ds.ID, s.Method)
		}
	}
	q := "SELECT * FROM " + rel
	if len(preds) > 0 {
		q += " WHERE " + strings.Join(preds, " AND ")
	}
	return q + tail, nil
}
