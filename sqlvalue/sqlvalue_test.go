package sqlvalue

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInt64(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want int64
	}{
		{nil, 0}, {int64(7), 7}, {int32(7), 7}, {7, 7}, {uint64(7), 7}, {uint32(7), 7}, {7.9, 7},
		{big.NewInt(12345678901), 12345678901}, {[]byte("42"), 42}, {"42", 42}, {"x", 0},
	} {
		require.Equal(t, tc.want, Int64(tc.in), "%#v", tc.in)
	}
}

func TestFloat64(t *testing.T) {
	f, ok := Float64([]byte("2.5"))
	require.True(t, ok)
	require.Equal(t, 2.5, f)
	_, ok = Float64(nil)
	require.False(t, ok)
	_, ok = Float64("abc")
	require.False(t, ok)
	f, ok = Float64(big.NewInt(3))
	require.True(t, ok)
	require.Equal(t, 3.0, f)
}

func TestText(t *testing.T) {
	require.Equal(t, "", Text(nil))
	require.Equal(t, "a", Text("a"))
	require.Equal(t, "b", Text([]byte("b")))
	require.Equal(t, "12", Text(12))
}
