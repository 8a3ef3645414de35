package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClosest(t *testing.T) {
	kinds := []string{"not_null", "unique", "regex", "in_set", "between", "format", "row_count"}
	for _, tt := range []struct{ in, want string }{
		{"not_nul", "not_null"},
		{"notnull", "not_null"},
		{"uniqe", "unique"},
		{"uniuqe", "unique"}, // a swap
		{"Format", "format"},
		{"rowcount", "row_count"},
		{"completeness", ""},
		{"x", ""},
	} {
		require.Equal(t, tt.want, Closest(tt.in, kinds), tt.in)
	}
	require.Equal(t, "mostly", Closest("mostyl", []string{"id", "kind", "mostly", "weight"}))
	require.Equal(t, "; did you mean mostly?", DidYouMean("mosty", []string{"mostly"}))
	require.Equal(t, "", DidYouMean("threshold", []string{"mostly"}))
}
