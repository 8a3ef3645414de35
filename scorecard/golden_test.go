package scorecard

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The published form of a card is part of the contract with dashboards:
// any change to it shows up here.
func TestCardGolden(t *testing.T) {
	got, err := encode(fullCard())
	require.NoError(t, err)
	golden := filepath.Join("testdata", "card.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run: go test ./scorecard -run TestCardGolden -update")
	require.Equal(t, string(want), string(got),
		"the card's JSON differs from %s; if the change is intended (and the schema says so), run: go test ./scorecard -run TestCardGolden -update", golden)
	require.NoError(t, Validate(want))
}
