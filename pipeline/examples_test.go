package pipeline

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/mask"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/scorecard"
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

// A masked example still shows why it failed: the shape of a malformed
// value, the year of a date out of range, the length of a name too short;
// in clear (show_pii, mask: none) there is nothing to add.
func TestMaskedExamplesShowWhy(t *testing.T) {
	ds := &config.Dataset{ID: "a", Key: "cccd", Mask: map[string]string{"birth_date": "date", "full_name": "name", "code": "none"}}
	year, length := 2999, 1
	for _, tc := range []struct {
		kind, column string
		raw          any
		want         scorecard.Example
	}{
		{"format", "cccd_old", "0791234XYZ", scorecard.Example{Key: "0010****2345", Value: "07*******Z", Shape: "9999999AAA"}},
		{"regex", "cccd_old", "079 123", scorecard.Example{Key: "0010****2345", Value: "07****3", Shape: "999␣999"}},
		{"between", "birth_date", "2999-01-05", scorecard.Example{Key: "0010****2345", Value: "2999******", Year: &year}},
		{"between", "wage", int64(-3500000), scorecard.Example{Key: "0010****2345", Value: "-3*****0", Shape: "-9999999"}},
		{"length", "full_name", "H", scorecard.Example{Key: "0010****2345", Value: "H.", Length: &length}},
		{"format", "code", "12A", scorecard.Example{Key: "0010****2345", Value: "12A"}},
		{"in_set", "cccd_old", "0791234XYZ", scorecard.Example{Key: "0010****2345", Value: "07*******Z"}},
	} {
		t.Run(tc.kind+" "+tc.column, func(t *testing.T) {
			oc := planner.Outcome{
				Built:    &checks.Built{Spec: &config.Check{ID: "c", Kind: tc.kind, Column: tc.column}},
				Examples: &checks.ExampleQuery{Key: "cccd", Values: []string{tc.column}},
				Rows:     [][]any{{"001099012345", tc.raw}},
			}
			require.Equal(t, []scorecard.Example{tc.want}, maskExamples(&config.Config{}, ds, oc))
		})
	}
	oc := planner.Outcome{
		Built:    &checks.Built{Spec: &config.Check{ID: "c", Kind: "format", Column: "cccd_old"}},
		Examples: &checks.ExampleQuery{Key: "cccd", Values: []string{"cccd_old"}},
		Rows:     [][]any{{"001099012345", "0791234XYZ"}},
	}
	require.Equal(t, []scorecard.Example{{Key: "001099012345", Value: "0791234XYZ"}},
		maskExamples(&config.Config{Examples: config.Examples{ShowPII: true}}, ds, oc), "in clear, the value says it all")
}
