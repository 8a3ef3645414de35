package sampling

import (
	"fmt"
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
