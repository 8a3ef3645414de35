package checks

import "github.com/vn-registries/dq/sqlvalue"

// ToInt64 reads a whole number whatever Go type the driver chose for it
// (sqlvalue.Int64).
func ToInt64(v any) int64 { return sqlvalue.Int64(v) }

// ToFloat64 reads a number whatever Go type the driver chose for it; ok is
// false for NULL or a value that is not a number (sqlvalue.Float64).
func ToFloat64(v any) (float64, bool) { return sqlvalue.Float64(v) }
