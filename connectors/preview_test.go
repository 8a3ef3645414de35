package connectors_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/mask"
	"github.com/vn-registries/dq/sqltext"
)

func TestQueryPreview(t *testing.T) {
	require.Equal(t, "SELECT a FROM t WHERE b = 'x'", connectors.QueryPreview(sqltext.MySQL, "SELECT a\n  FROM t\tWHERE b = 'x'"))
	long := "SELECT " + strings.Repeat("a, ", 40) + "b FROM t WHERE c = 'a long literal' AND d = 1"
	require.Equal(t, long[:120]+"...", connectors.QueryPreview(sqltext.MySQL, long))
	// Cut inside a literal: the preview ends before its quote.
	inside := "SELECT " + strings.Repeat("a, ", 30) + "b FROM t WHERE c = 'a long literal that goes on' AND d = 1"
	require.Equal(t, "SELECT "+strings.Repeat("a, ", 30)+"b FROM t WHERE c = ...", connectors.QueryPreview(sqltext.MySQL, inside))
	// An escaped quote opens nothing.
	escaped := "SELECT " + strings.Repeat("a, ", 25) + `b FROM t WHERE c = 'it\'s' AND d = 'a long literal that goes on'`
	require.Equal(t, escaped[:strings.Index(escaped, "'a long")]+"...", connectors.QueryPreview(sqltext.MySQL, escaped))

	// What the message says after the preview stays readable once masked.
	msg := mask.Message(`dataset d: query "` + connectors.QueryPreview(sqltext.MySQL, inside) + `": HTTP 500: the cause, which a Date of ClickHouse 18.16 cannot hold`)
	require.Contains(t, msg, "the cause, which a Date of ClickHouse 18.16 cannot hold")
}
