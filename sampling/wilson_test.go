package sampling

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWilson(t *testing.T) {
	// Textbook value: 81 of 100, no population correction.
	lo, hi := Wilson(81, 100, -1, 100)
	require.InDelta(t, 0.7222, lo, 5e-4)
	require.InDelta(t, 0.8749, hi, 5e-4)

	// Sampling the whole population leaves nothing to estimate.
	lo, hi = Wilson(81, 100, 100, 100)
	require.Equal(t, 0.81, lo)
	require.Equal(t, 0.81, hi)

	// A 10% sample of a known population is narrower than without N.
	lo1, hi1 := Wilson(900, 1000, -1, 1000)
	lo2, hi2 := Wilson(900, 1000, 10000, 1000)
	require.Less(t, hi2-lo2, hi1-lo1)
	require.Greater(t, hi2-lo2, 0.0)

	// Bounds stay in [0, 1] at the extremes.
	lo, hi = Wilson(0, 10, -1, 10)
	require.Equal(t, 0.0, lo)
	require.Greater(t, hi, 0.0)
	lo, hi = Wilson(10, 10, -1, 10)
	require.Equal(t, 1.0, hi)
	require.Less(t, lo, 1.0)
	lo, hi = Wilson(0, 0, -1, 0)
	require.Equal(t, [2]float64{0, 1}, [2]float64{lo, hi})
}
