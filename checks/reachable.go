package checks

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "reachable", Dimension: "shared", Severity: config.SeverityMajor, DatasetOnly: true, Columns: NamedColumns, New: func() Check { return &reachable{} }})
}

// reachable holds a dataset to the service it declares (dùng chung: other
// bodies can rely on it), measured by the run itself: it answered within
// max_seconds (the time this run took to read it: the whole extract from
// an API or a database, or opening its source's session for engine:
// source), and it is updated as often as it says, every (the newest value
// of the change timestamp column: is no older than that). A table check:
// it passes when every declared promise held. Value is the load time in
// seconds when max_seconds is declared, else the age of the newest change
// in hours. A source that does not answer at all fails the dataset,
// which the scorecard shows as error.
type reachable struct {
	spec   *config.Check
	params struct {
		MaxSeconds *float64 `yaml:"max_seconds"`
		Every      string   `yaml:"every"`
	}
	every time.Duration

	load     time.Duration
	measured bool
	latest   Metric
	family   dialect.Family
	runStart time.Time
}

var _ Check = (*reachable)(nil)

func (c *reachable) Init(spec *config.Check) error {
	c.spec = spec
	if err := spec.Decode(&c.params); err != nil {
		return err
	}
	p := c.params
	if p.MaxSeconds == nil && p.Every == "" {
		return spec.Errorf("max_seconds", "reachable needs max_seconds: (the longest a read may take) or every: (how often the data is updated, with column:), or both")
	}
	if p.MaxSeconds != nil && !(*p.MaxSeconds > 0 && !math.IsInf(*p.MaxSeconds, 1)) {
		return spec.Errorf("max_seconds", "max_seconds must be a positive number of seconds, got %v", *p.MaxSeconds)
	}
	switch {
	case p.Every != "" && spec.Column == "":
		return spec.Errorf("column", "every: needs the column: recording each change, e.g. updated_at")
	case p.Every == "" && spec.Column != "":
		return spec.Errorf("every", "column: goes with every:, the update frequency it is held to")
	case p.Every != "":
		var err error
		if c.every, err = ParseAge(p.Every); err != nil {
			return spec.Errorf("every", "%v", err)
		}
	}
	if len(spec.Warn) > 0 || spec.Mostly != nil {
		return spec.Errorf("warn", "reachable takes max_seconds and every, not mostly or warn")
	}
	return nil
}

func (c *reachable) Plan(s Scope) error {
	c.runStart = s.Now()
	// Not an error yet: --explain plans without reading anything.
	c.load, c.measured = s.LoadTime()
	if c.params.Every == "" {
		return nil
	}
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	if c.latest, c.family, err = newestOf(s, col); err != nil {
		return fmt.Errorf("reachable: every: %w", err)
	}
	return nil
}

func (c *reachable) Evaluate(v Values, r *result.Check) {
	th := map[string]any{}
	d := map[string]any{"measured_at": c.runStart.Format(time.RFC3339)}
	r.Threshold, r.Details = th, d
	r.Status = result.Pass
	var broken []string
	if p := c.params.MaxSeconds; p != nil {
		if !c.measured {
			r.Status = result.Error
			r.Message = "the run did not measure how long reading this dataset took"
			return
		}
		secs := c.load.Seconds()
		th["max_seconds"], d["load_seconds"] = *p, secs
		r.Value, r.Unit = ptr(secs), "seconds"
		if secs > *p {
			broken = append(broken, fmt.Sprintf("reading it took %.1fs (declared at most %gs)", secs, *p))
		}
	}
	if c.params.Every != "" {
		th["every_hours"] = c.every.Hours()
		t, ok := v.Time(c.latest)
		if !ok {
			broken = append(broken, "no change recorded in "+c.spec.Column)
		} else {
			t = wallClock(t, c.family, c.runStart.Location())
			age := c.runStart.Sub(t)
			d["latest"], d["age_hours"] = t.Format(time.RFC3339), age.Hours()
			if r.Value == nil {
				r.Value, r.Unit = ptr(age.Hours()), "hours"
			}
			if age > c.every {
				broken = append(broken, fmt.Sprintf("the newest %s is %s old (declared every %s)", c.spec.Column, age.Round(time.Minute), c.every))
			}
		}
	}
	if len(broken) > 0 {
		r.Status = result.Fail
		r.Message = strings.Join(broken, "; ")
	}
}
