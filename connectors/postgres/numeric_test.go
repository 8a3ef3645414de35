package postgres

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNumericFastMatchesBig: the allocation-free path agrees with math/big
// whenever it answers, and answers for the common shapes.
func TestNumericFastMatchesBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	digits := func(n int, max uint16) []byte {
		b := make([]byte, 2*n)
		for i := 0; i < n; i++ {
			binary.BigEndian.PutUint16(b[2*i:], uint16(rng.IntN(int(max)+1)))
		}
		return b
	}
	answered := 0
	for i := 0; i < 200000; i++ {
		n := rng.IntN(12)
		max := uint16(9999)
		if rng.IntN(4) == 0 {
			max = uint16(rng.IntN(10000))
		}
		d := digits(n, max)
		if n > 0 && rng.IntN(3) == 0 { // exact halves and zero tails
			binary.BigEndian.PutUint16(d[2*(n-1):], uint16(5000*rng.IntN(2)))
		}
		shift := int32(rng.IntN(90) - 45)
		want, wok := numericBig(d, shift)
		got, ok := numericFast(d, shift)
		if !ok {
			continue
		}
		answered++
		require.True(t, wok, "digits %x shift %d: fast answered %v, big overflowed", d, shift, got)
		require.Equal(t, want, got, "digits %x shift %d", d, shift)
	}
	require.Greater(t, answered, 50000)

	// The benchmark's shape: 6 digits, weight 1, scale 16 into scale 10.
	d := []byte{0x06, 0xe3, 0x1a, 0x0b, 0x1c, 0x20, 0x0b, 0x26, 0x1c, 0x20, 0x0b, 0x26}
	_, ok := numericFast(d, -6)
	require.True(t, ok)
	require.Zero(t, testing.AllocsPerRun(100, func() { numericFast(d, -6) }))
}
