// Package sqlvalue reads the values database drivers return (DuckDB's,
// pgx's, go-sql-driver's) as plain Go numbers and text, whatever type each
// driver chose for a column: DuckDB's HUGEINT arrives as *big.Int, MySQL's
// DECIMAL as []byte.
package sqlvalue

import (
	"fmt"
	"math/big"
	"strconv"
)

// Int64 reads a whole number; NULL and what is not a number read as 0.
func Int64(v any) int64 {
	switch x := v.(type) {
	case nil:
		return 0
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case float64:
		return int64(x)
	case *big.Int:
		return x.Int64()
	case []byte:
		n, _ := strconv.ParseInt(string(x), 10, 64)
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	n, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
	return int64(n)
}

// Float64 reads a number; ok is false for NULL or a value that is not a
// number.
func Float64(v any) (float64, bool) {
	switch x := v.(type) {
	case nil:
		return 0, false
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int:
		return float64(x), true
	case uint64:
		return float64(x), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case []byte:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	return f, err == nil
}

// Text reads a value as text; NULL reads as "".
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}
