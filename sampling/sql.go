package sampling

import (
	"fmt"
	"math"
	"strconv"

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
