package scorecard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckRunID(t *testing.T) {
	for _, ok := range []string{"20261123T020000Z-a1b2c3", "nightly.2026-11-23", "a", "A_b-c.d", strings.Repeat("x", 128)} {
		require.NoError(t, CheckRunID(ok), ok)
	}
	for _, bad := range []string{"", ".hidden", "-x", "a/b", `a\b`, "a..b", "..", "a b", "run\x00", "é", strings.Repeat("x", 129)} {
		require.Error(t, CheckRunID(bad), bad)
	}
}
