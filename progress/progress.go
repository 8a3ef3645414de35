// Package progress shows a person at a terminal how long work is going:
// datasets started and done, rows loaded with their rate and, when the
// total is known, the time left. The pipeline tells it what happens
// (Event); it draws one line on a terminal, redrawn in place, and is
// never made for anything else: logs and CI output stay clean.
package progress

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// Kind is what happened.
type Kind int

const (
	// RunStarted: Datasets datasets are to be read.
	RunStarted Kind = iota
	// DatasetStarted: a dataset is being read.
	DatasetStarted
	// RowsLoaded: Rows rows of a dataset are loaded so far, of Total
	// (-1 when unknown).
	RowsLoaded
	// DatasetDone: a dataset is read and checked (or failed).
	DatasetDone
)

// Event is one thing the pipeline tells.
type Event struct {
	Kind     Kind
	Dataset  string
	Rows     int64
	Total    int64
	Datasets int
}

// Observer receives events; it must be safe for concurrent use, as
// datasets run in a worker pool.
type Observer func(Event)

// IsTerminal reports whether f is a terminal (a character device):
// progress is drawn there only.
func IsTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Line draws progress on one terminal line.
type Line struct {
	w     io.Writer
	every time.Duration
	now   func() time.Time

	mu       sync.Mutex
	total    int // datasets
	done     int
	running  map[string]*loading
	drawn    time.Time
	width    int // of the last line drawn, to clear it
	finished bool
	stop     chan struct{}
}

type loading struct {
	started     time.Time
	rows, total int64
}

// New draws on w (a terminal), at most every 200ms for rows, and every
// second while nothing is told (DuckDB reading a file itself tells no
// rows): the time a dataset has run shows the work goes on. Close stops
// it.
func New(w io.Writer) *Line {
	l := newLine(w)
	go l.tick(time.Second)
	return l
}

func newLine(w io.Writer) *Line {
	return &Line{w: w, every: 200 * time.Millisecond, now: time.Now, running: map[string]*loading{}, stop: make(chan struct{})}
}

func (l *Line) tick(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.mu.Lock()
			if !l.finished && !l.drawn.IsZero() {
				l.draw(l.now())
			}
			l.mu.Unlock()
		}
	}
}

// Observe takes an event, and redraws: at once for a dataset started or
// done, at most every 200ms for rows.
func (l *Line) Observe(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.finished {
		return
	}
	now := l.now()
	switch e.Kind {
	case RunStarted:
		l.total = e.Datasets
	case DatasetStarted:
		l.running[e.Dataset] = &loading{started: now, total: -1}
	case RowsLoaded:
		if d, ok := l.running[e.Dataset]; ok {
			d.rows, d.total = e.Rows, e.Total
		}
		if now.Sub(l.drawn) < l.every {
			return
		}
	case DatasetDone:
		delete(l.running, e.Dataset)
		l.done++
	}
	l.draw(now)
}

// Above is w, for what else goes to the terminal (log lines): each write
// clears the progress line first and draws it again below.
func (l *Line) Above(w io.Writer) io.Writer { return above{l, w} }

type above struct {
	l *Line
	w io.Writer
}

func (a above) Write(p []byte) (int, error) {
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	if a.l.width > 0 && !a.l.finished {
		fmt.Fprintf(a.l.w, "\r%s\r", strings.Repeat(" ", a.l.width))
		a.l.width = 0
	}
	n, err := a.w.Write(p)
	if !a.l.finished && !a.l.drawn.IsZero() {
		a.l.draw(a.l.now())
	}
	return n, err
}

// Close clears the line, so what follows starts on a clean one.
func (l *Line) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.width > 0 {
		fmt.Fprintf(l.w, "\r%s\r", strings.Repeat(" ", l.width))
	}
	if !l.finished {
		close(l.stop)
	}
	l.finished = true
}

func (l *Line) draw(now time.Time) {
	l.drawn = now
	s := fmt.Sprintf("dq: %d/%d datasets done", l.done, l.total)
	names := make([]string, 0, len(l.running))
	for n := range l.running {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := l.running[n]
		s += " · " + n
		switch el := now.Sub(d.started); {
		case d.rows > 0:
			s += ": " + Rows(d.rows, d.total, el)
		case el >= time.Second:
			s += fmt.Sprintf(" (%s)", el.Round(time.Second))
		}
	}
	pad := ""
	if len(s) < l.width {
		pad = strings.Repeat(" ", l.width-len(s))
	}
	fmt.Fprintf(l.w, "\r%s%s", s, pad)
	l.width = len(s)
}

// Rows says how far a load is: rows (of the total), the rate, and the
// time left when the total is known.
func Rows(rows, total int64, elapsed time.Duration) string {
	s := count(rows) + " rows"
	if total > 0 {
		s += " of " + count(total)
	}
	if secs := elapsed.Seconds(); secs > 0.05 {
		rate := float64(rows) / secs
		s += ", " + count(int64(rate)) + " rows/s"
		if total > rows && rate > 0 {
			left := time.Duration(float64(total-rows) / rate * float64(time.Second)).Round(time.Second)
			s += ", about " + left.String() + " left"
		}
	}
	return s
}

// count writes n with thousands separated: 1,234,567.
func count(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
