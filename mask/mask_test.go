package mask

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

func TestValue(t *testing.T) {
	for _, tc := range []struct {
		p        Policy
		in, want string
	}{
		{ID, "001099012345", "0010****2345"},
		{ID, "12345678", "12****78"},
		{ID, "0333125354", "03******54"},
		{ID, "123456", "123***"},
		{ID, "X", "X"},
		{Name, "Nguyễn Văn An", "N. V. A."},
		{Name, norm.NFD.String("Đặng Thị Ánh"), "Đ. T. Á."},
		{Name, "  ", ""},
		{Date, "1985-04-12", "1985******"},
		{Partial, "Nam", "Nam"},
		{Partial, "N/A", "N/A"},
		{Partial, "0912345678", "09*******8"},
		{Hide, "anything", "****"},
		{None, "Nguyễn", "Nguyễn"},
		{"", "0912345678", "09*******8"},
	} {
		require.Equal(t, tc.want, Value(tc.p, tc.in), "%s(%q)", tc.p, tc.in)
	}
}

func TestParsePolicy(t *testing.T) {
	for _, p := range Policies {
		got, err := ParsePolicy(string(p))
		require.NoError(t, err)
		require.Equal(t, p, got)
	}
	require.Equal(t, []Policy{"id", "name", "date", "partial", "hide", "none"}, Policies)
	for _, bad := range []string{"", "ID", "mask", " id", "initials"} {
		_, err := ParsePolicy(bad)
		require.EqualError(t, err, fmt.Sprintf("unknown mask %q (id, name, date, partial, hide, none)", bad))
	}
}
