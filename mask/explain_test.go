package mask

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func intp(n int) *int { return &n }

// A masked example keeps why it failed: the exact evidence per property
// and policy.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      Policy
		prop   Property
		value  string
		want   Evidence
		masked string // Value(p, value), for the record
	}{
		{"an ID with letters", ID, Form, "0791234XYZ", Evidence{Shape: "9999999AAA"}, "07******YZ"},
		{"a CCCD one digit short", ID, Form, "07912345678", Evidence{Shape: "99999999999"}, "07*******78"},
		{"a phone number with spaces", Partial, Form, "0912 345 678", Evidence{Shape: "9999␣999␣999"}, "09*********8"},
		{"a code with a trailing space", Partial, Form, "HS4012 ", Evidence{Shape: "AA9999␣"}, "HS**** "},
		{"Vietnamese letters, composed or not", Partial, Form, "Đa\u0303 1", Evidence{Shape: "Aa␣9"}, "Đa**1"},
		{"a tab is seen, not shown", Partial, Form, "01\t23", Evidence{Shape: "99?99"}, "01**3"},
		{"a date out of range: its year", Date, Range, "2999-01-05", Evidence{Year: intp(2999)}, "2999******"},
		{"a timestamp out of range", Partial, Range, "1871-02-03 10:00:00", Evidence{Year: intp(1871)}, "18****************0"},
		{"a date written the other way", Partial, Range, "25/03/2010", Evidence{Shape: "99/99/9999"}, "25*******0"},
		{"a negative amount", Partial, Range, "-3500000", Evidence{Shape: "-9999999"}, "-3*****0"},
		{"a name too short: its length", Name, Length, "H", Evidence{Length: intp(1)}, "H."},
		{"a length counts characters, not bytes", Partial, Length, "Nguyễn", Evidence{Length: intp(6)}, "Ng***n"},
		{"a name's shape would spell it", Name, Form, "Nguyễn Văn An", Evidence{}, "N. V. A."},
		{"a name out of range shows nothing", Name, Range, "Zzz", Evidence{}, "Z."},
		{"in clear: nothing to add", None, Form, "0791234XYZ", Evidence{}, "0791234XYZ"},
		{"hidden: nothing at all", Hide, Length, "0791234XYZ", Evidence{}, "****"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.masked, Value(tc.p, tc.value))
			require.Equal(t, tc.want, Explain(tc.p, tc.prop, tc.value))
		})
	}
}

// A shape is cut like a value.
func TestExplainCutsLongShapes(t *testing.T) {
	got := Explain(Partial, Form, strings.Repeat("7", MaxValue+5)).Shape
	require.Equal(t, strings.Repeat("9", MaxValue)+"…[cut, 205 characters]", got)
}
