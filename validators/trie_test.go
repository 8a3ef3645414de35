package validators

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTrieRegex(t *testing.T) {
	require.Equal(t, "000(?:0[48]|25)", trieRegex([]string{"00025", "00004", "00008", "00004"}))
	r := rand.New(rand.NewPCG(11, 12))
	sets := [][]string{
		{"", "a", "ab", "abc", "b", "a.b", "a+", "+", "-", "a-", "a]"},
		{"đ", "đa", "x"},
		loadRefs().wards.list,
		loadRefs().staleWards.list,
		{},
	}
	for _, set := range sets {
		re := regexp.MustCompile("^(?:" + trieRegex(set) + ")$")
		has := map[string]bool{}
		for _, v := range set {
			has[v] = true
			require.True(t, re.MatchString(v), "%q", v)
		}
		alpha := []string{"a", "b", "c", ".", "+", "-", "]", "đ", "0", "1", "2", "3", "4", "9"}
		for range 20000 {
			s := ""
			if len(set) > 0 && r.IntN(2) == 0 {
				s = mutate(r, pick(r, set))
			} else {
				for n := r.IntN(6); n > 0; n-- {
					s += pick(r, alpha)
				}
			}
			require.Equal(t, has[s], re.MatchString(s), "%q", s)
		}
	}
}
