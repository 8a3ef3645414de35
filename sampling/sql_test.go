package sampling

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
)

func TestHashFilterPerDialect(t *testing.T) {
	require.Equal(t, `(CAST(('0x' || substr(md5(CAST("cccd" AS VARCHAR)), 1, 8)) AS UBIGINT) / 4294967296.0) < 0.05`,
		HashFilter(dialect.DuckDB{}, "cccd", 0.05))
	// Tiny fractions stay plain decimals in every dialect.
	require.Contains(t, HashFilter(dialect.Postgres{}, "cccd", 1e-7), "< 0.0000001")
	require.Contains(t, HashFilter(dialect.MySQL{}, "cccd", 1), "`cccd`")
}

func TestReservoir(t *testing.T) {
	require.Equal(t, " USING SAMPLE reservoir(200 ROWS) REPEATABLE (7)", Reservoir(200, 7))
}

func TestDesign(t *testing.T) {
	ds := &config.Dataset{Key: "bhxh", Sample: &config.Sample{Method: "hash", Fraction: 0.1, Key: "cccd", Seed: 3}}
	d := Of(ds)
	require.Equal(t, Design{Method: "hash", Fraction: 0.1, Key: "cccd", Seed: 3}, d)
	require.False(t, d.Full())
	require.True(t, Of(&config.Dataset{}).Full())
	other := Design{Method: "hash", Fraction: 0.1, Key: "cccd", Seed: 3}
	require.True(t, Coordinated(d, "cccd", other, "cccd"))
	require.False(t, Coordinated(d, "bhxh", other, "cccd"), "joined on another column than the hashed one")
	other.Fraction = 0.2
	require.False(t, Coordinated(d, "cccd", other, "cccd"))
	require.False(t, Coordinated(Design{Method: "full"}, "cccd", Design{Method: "full"}, "cccd"), "full data is not a sample")
}

func TestRowsPrefilter(t *testing.T) {
	// n = 100: (110 + 50 + 100) / 10,000 = 0.026.
	if got := RowsPrefilter("h", 100, 10_000); got != "h < 0.026" {
		t.Fatalf("got %q", got)
	}
	if got := RowsPrefilter("h", 100, 200); got != "" {
		t.Fatalf("a bound above 1 keeps every row, got %q", got)
	}
	if got := RowsPrefilter("h", 100, -1); got != "" {
		t.Fatalf("an unknown total filters nothing, got %q", got)
	}
}
