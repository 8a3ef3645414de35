package pipeline

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/mask"
	"github.com/vn-registries/dq/planner"
)

// Every policy dq validate accepts is the one masking applies; the key is
// an identifier and any other column partial unless mask: says otherwise.
func TestMaskExamplesFollowsEveryPolicy(t *testing.T) {
	oc := planner.Outcome{
		Examples: &checks.ExampleQuery{Key: "cccd", Values: []string{"ho_ten", "phone"}},
		Rows:     [][]any{{"001099012345", "Nguyễn Văn An", []byte("0912345678")}, {"079188000001", nil, int64(912345678)}},
	}
	for _, p := range mask.Policies {
		ds := &config.Dataset{ID: "a", Key: "cccd", Mask: map[string]string{"ho_ten": string(p)}}
		require.Empty(t, checkMasks(ds), p)
		got := maskExamples(&config.Config{}, ds, oc)
		require.Len(t, got, 2)
		require.Equal(t, "0010****2345", got[0].Key)
		require.Equal(t, mask.Value(p, "Nguyễn Văn An")+" | 09*******8", got[0].Value, p)
		require.Equal(t, "0791****0001", got[1].Key)
		require.Equal(t, "NULL | 91******8", got[1].Value, "NULL stays NULL, numbers are masked as text")
	}
	require.Equal(t, "N. V. A. | 0912345678", maskExamples(&config.Config{},
		&config.Dataset{Key: "cccd", Mask: map[string]string{"ho_ten": "name", "phone": "none"}}, oc)[0].Value)

	shown := maskExamples(&config.Config{Examples: config.Examples{ShowPII: true}}, &config.Dataset{Key: "cccd", Mask: map[string]string{"ho_ten": "hide"}}, oc)
	require.Equal(t, "001099012345", shown[0].Key)
	require.Equal(t, "Nguyễn Văn An | 0912345678", shown[0].Value, "show_pii shows every column in clear")
}

func TestCheckMasks(t *testing.T) {
	ds := &config.Dataset{ID: "a", File: "c.yaml", Line: 7, Mask: map[string]string{
		"phone": "secret", "cccd": "id", "ho_ten": "initials", "dob": "Date",
	}}
	errs := checkMasks(ds)
	require.ErrorIs(t, errs.Err(), config.ErrInvalid)
	require.Equal(t, `c.yaml:7: dataset a.mask.dob: unknown mask "Date" (id, name, date, partial, hide, none)
c.yaml:7: dataset a.mask.ho_ten: unknown mask "initials" (id, name, date, partial, hide, none)
c.yaml:7: dataset a.mask.phone: unknown mask "secret" (id, name, date, partial, hide, none)`, errs.Error())
	require.Empty(t, checkMasks(&config.Dataset{ID: "b"}))
}
