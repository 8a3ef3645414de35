package http

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		v  string
		d  time.Duration
		ok bool
	}{
		{"1", time.Second, true},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		d, ok := retryAfter(tt.v, now)
		require.Equal(t, tt.ok, ok, tt.v)
		require.Equal(t, tt.d, d, tt.v)
	}
}

func TestBackoff(t *testing.T) {
	f := &fetcher{c: &Connector{MaxRetryAfter: 5 * time.Second}}
	for attempt := 0; attempt < 10; attempt++ {
		want := min(100*time.Millisecond<<attempt, 2*time.Second)
		d := f.backoff(100*time.Millisecond, 2*time.Second, attempt, nil)
		require.GreaterOrEqual(t, d, want/2)
		require.LessOrEqual(t, d, want)
	}
	resp := &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"3"}}}
	require.Equal(t, 3*time.Second, f.backoff(time.Millisecond, time.Millisecond, 0, resp))
	resp.Header.Set("Retry-After", "3600")
	require.Equal(t, 5*time.Second, f.backoff(time.Millisecond, time.Millisecond, 0, resp), "capped")
	resp.StatusCode = http.StatusInternalServerError // Retry-After only counts on 429 and 503
	require.LessOrEqual(t, f.backoff(time.Millisecond, time.Millisecond, 0, resp), time.Millisecond)
}

func TestNextLink(t *testing.T) {
	require.Equal(t, "/x?page=2", nextLink([]string{`</x?page=1>; rel="prev", </x?page=2>; rel="next"`}))
	require.Equal(t, "https://a/b?c=1,2", nextLink([]string{`<https://a/b?c=1,2>; title="t"; rel="last next"`}))
	require.Equal(t, "/n", nextLink([]string{`</l>; rel=last`, `</n>; rel=next`}))
	require.Equal(t, "", nextLink([]string{`</l>; rel="last"`}))
	require.Equal(t, "", nextLink(nil))
}

func TestSafeURL(t *testing.T) {
	u := mustParse(t, "https://user:pw@api.example/v1/items?api_key=k&page=2#frag")
	require.Equal(t, "https://api.example/v1/items?api_key=xxx&page=2", safeURL(u, map[string]bool{"page": true}))
}

func TestExcerpt(t *testing.T) {
	long := ""
	for i := 0; i < 300; i++ {
		long += "ệ"
	}
	e := excerpt([]byte(long))
	require.Equal(t, 203, len([]rune(e)))
	require.Equal(t, "a b", excerpt([]byte("  a\n\n b ")))
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}
