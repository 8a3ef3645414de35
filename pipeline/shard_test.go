package pipeline

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
)

// Every dataset is in exactly one shard, whatever N, and the datasets a
// cross-registry check joins are in the same one.
func TestShardDatasets(t *testing.T) {
	cfg, err := config.Load("../configs/demo.yaml", nil)
	require.NoError(t, err)
	p, err := Prepare(cfg, nil)
	require.NoError(t, err)
	defer p.Close()
	// Everything but the land registry agrees with a master registry, or
	// with a registry that does (insurance's employers are enterprises).
	joined := []string{"population.citizens", "population.residence", "insurance.participants", "civil_status.deaths",
		"education.students", "health.cards", "enterprise.registry"}
	for n := 1; n <= 9; n++ {
		owner := map[string]int{}
		sizes := make([]int, n)
		for i := 1; i <= n; i++ {
			ids := p.ShardDatasets(Shard{Index: i, Count: n})
			require.Equal(t, ids, p.ShardDatasets(Shard{Index: i, Count: n}), "the same split every time")
			sizes[i-1] = len(ids)
			for _, id := range ids {
				_, dup := owner[id]
				require.False(t, dup, "n=%d: %s in two shards", n, id)
				owner[id] = i
			}
		}
		require.Len(t, owner, len(cfg.Datasets), "n=%d: every dataset in a shard", n)
		for _, id := range joined[1:] {
			require.Equal(t, owner[joined[0]], owner[id], "n=%d: %s is joined to the population", n, id)
		}
		if n == 2 {
			require.ElementsMatch(t, []int{7, 1}, sizes, "groups dealt to the emptiest shard")
		}
	}

	_, err = ParseShard("3/2")
	require.ErrorContains(t, err, "--shard must be I/N with 1 <= I <= N")
	s, err := ParseShard("2/5")
	require.NoError(t, err)
	require.Equal(t, Shard{Index: 2, Count: 5}, s)
	require.NoError(t, CheckRunID("20261123T0200Z-nightly"))
	require.Error(t, CheckRunID("../x"))
	require.Error(t, CheckRunID("a..b"))
}
