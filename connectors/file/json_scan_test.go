package file

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Where splitObject splits a line, scanFields gives the same keys and raw
// values, or leaves the line to splitObject.
func FuzzScanFields(f *testing.F) {
	for _, line := range []string{
		`{"id":"1","age":3}`,
		` { "a" : [1, {"b": "}]"}] , "c":{"d":[]}, "e": null, "f":-1.5e3 , "g":true } `,
		`{"s":"a \"quoted\" \\ }"}`,
		`{"k\"ey":1}`,
		`{}`,
		`{"a":}`,
		`{"a":1} {"b":2}`,
		`{"a":1,}`,
		`{"a" 1}`,
		`[1,2]`,
		`{"a":"unterminated}`,
		`{"a":[1,2}`,
	} {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		want, err := splitObject(append([]byte(nil), line...), nil)
		got, ok := scanFields(line, nil)
		if err != nil || !ok {
			return
		}
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, want[i].key, string(got[i].key))
			require.Equal(t, string(want[i].raw), string(got[i].raw))
		}
	})
}

func TestScanFieldsLeavesHardLinesToSplitObject(t *testing.T) {
	for _, line := range []string{`{"k\"ey":1}`, `{"a":}`, `{"a":1} {"b":2}`, `{"a":1,}`, `[1,2]`, `{"a":"x`, ` `} {
		_, ok := scanFields([]byte(line), nil)
		require.False(t, ok, line)
	}
	got, ok := scanFields([]byte(` { "a" : [1, {"b": "}]"}] , "e": null } `), nil)
	require.True(t, ok)
	require.Equal(t, []rawField{{[]byte("a"), []byte(`[1, {"b": "}]"}]`)}, {[]byte("e"), []byte("null")}}, got)
}
