package progress

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLine(t *testing.T) {
	var b bytes.Buffer
	l := newLine(&b)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return at }
	l.Observe(Event{Kind: RunStarted, Datasets: 2})
	l.Observe(Event{Kind: DatasetStarted, Dataset: "citizens"})
	at = at.Add(2 * time.Second)
	l.Observe(Event{Kind: RowsLoaded, Dataset: "citizens", Rows: 1_000_000, Total: 3_000_000})
	require.Contains(t, b.String(), "\rdq: 0/2 datasets done · citizens: 1,000,000 rows of 3,000,000, 500,000 rows/s, about 4s left")
	b.Reset()
	at = at.Add(100 * time.Millisecond)
	l.Observe(Event{Kind: RowsLoaded, Dataset: "citizens", Rows: 1_100_000, Total: 3_000_000})
	require.Empty(t, b.String(), "rows are drawn at most every 200ms")
	l.Observe(Event{Kind: DatasetDone, Dataset: "citizens"})
	require.True(t, strings.HasPrefix(b.String(), "\rdq: 1/2 datasets done"), b.String())
	l.Close()
	require.True(t, strings.HasSuffix(b.String(), "\r"), "the line is cleared")
	n := b.Len()
	l.Observe(Event{Kind: DatasetStarted, Dataset: "late"})
	require.Equal(t, n, b.Len(), "nothing after Close")
}

func TestRowsAndCount(t *testing.T) {
	require.Equal(t, "999 rows", Rows(999, -1, 0))
	require.Equal(t, "1,234,567 rows, 617,283 rows/s", Rows(1234567, -1, 2*time.Second))
	require.Equal(t, "-1,000", count(-1000))
}

func TestIsTerminal(t *testing.T) {
	require.False(t, IsTerminal(&bytes.Buffer{}))
	f, err := os.CreateTemp(t.TempDir(), "x")
	require.NoError(t, err)
	defer f.Close()
	require.False(t, IsTerminal(f), "a file is no terminal")
}

// A log line written above the progress line clears it and draws it
// again after.
func TestAbove(t *testing.T) {
	var b bytes.Buffer
	l := newLine(&b)
	l.Observe(Event{Kind: RunStarted, Datasets: 1})
	b.Reset()
	_, err := l.Above(&b).Write([]byte("level=WARN msg=x\n"))
	require.NoError(t, err)
	require.Equal(t, "\r"+strings.Repeat(" ", 21)+"\rlevel=WARN msg=x\n\rdq: 0/1 datasets done", b.String())
}

// While DuckDB reads a file and tells nothing, the line still moves: the
// dataset's time is drawn every tick.
func TestTick(t *testing.T) {
	var b syncBuffer
	l := newLine(&b)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return at }
	l.Observe(Event{Kind: RunStarted, Datasets: 1})
	l.Observe(Event{Kind: DatasetStarted, Dataset: "citizens"})
	at = at.Add(3 * time.Second)
	go l.tick(time.Millisecond)
	require.Eventually(t, func() bool { return strings.Contains(b.String(), "citizens (3s)") }, time.Second, time.Millisecond)
	l.Close()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
