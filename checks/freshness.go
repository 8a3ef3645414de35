package checks

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/result"
)

func init() {
	Register(Kind{Name: "freshness", Dimension: "alive", Severity: config.SeverityMajor, Columns: NamedColumns, New: func() Check { return &freshness{} }})
}

// freshness measures the age of the newest value of a timestamp or date
// column at the run's start. A timestamp without zone is read in the
// dataset's time zone, never silently as UTC.
//
// A newest value ahead of the moment it was read (a time-zone mistake, a
// clock set wrong, a date typed a year ahead) is reported: warn, with the
// lead time, unless max_future: bounds it (fail beyond it, pass within:
// max_future: 5m tolerates clocks a little apart) and warn: {max_future:}
// warns beyond a shorter lead.
type freshness struct {
	spec         *config.Check
	maxAge, warn time.Duration
	hasWarn      bool
	// maxFuture and warnFuture bound the lead; nil: any lead warns.
	maxFuture, warnFuture *time.Duration
	latest                Metric
	family                dialect.Family
	loc                   *time.Location
	runStart              time.Time
}

var _ Check = (*freshness)(nil)

var dayDuration = regexp.MustCompile(`^(\d+)d$`)

// ParseAge reads a duration: Go's form (48h, 90m) or whole days (7d).
func ParseAge(s string) (time.Duration, error) {
	if m := dayDuration.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration such as 48h, 90m or 7d", s)
	}
	return d, nil
}

func (c *freshness) Init(spec *config.Check) error {
	c.spec = spec
	var p struct {
		MaxAge    string `yaml:"max_age"`
		MaxFuture string `yaml:"max_future"`
	}
	if err := spec.Decode(&p); err != nil {
		return err
	}
	if spec.Column == "" {
		return spec.Errorf("column", "freshness needs the timestamp column:")
	}
	if p.MaxAge == "" {
		return spec.Errorf("max_age", "freshness needs max_age: such as 48h or 7d")
	}
	var err error
	if c.maxAge, err = ParseAge(p.MaxAge); err != nil {
		return spec.Errorf("max_age", "%v", err)
	}
	if p.MaxFuture != "" {
		d, err := parseLead(p.MaxFuture)
		if err != nil {
			return spec.Errorf("max_future", "%v", err)
		}
		c.maxFuture = &d
	}
	for k, n := range spec.Warn {
		switch k {
		case "max_age":
			if c.warn, err = ParseAge(n.Value); err != nil {
				return spec.Errorf(k, "%v", err)
			}
			if c.warn > c.maxAge {
				return spec.Errorf(k, "warn.max_age must be shorter than max_age")
			}
			c.hasWarn = true
		case "max_future":
			d, err := parseLead(n.Value)
			if err != nil {
				return spec.Errorf(k, "%v", err)
			}
			if c.maxFuture == nil || d > *c.maxFuture {
				return spec.Errorf(k, "warn.max_future needs a longer max_future: (without it, any lead warns)")
			}
			c.warnFuture = &d
		default:
			return spec.Errorf(k, "warn takes max_age and max_future for freshness")
		}
	}
	return nil
}

// parseLead reads max_future: a duration as ParseAge, or 0 for "never
// ahead".
func parseLead(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	return ParseAge(s)
}

func (c *freshness) Plan(s Scope) error {
	col, err := s.Column(c.spec.Column)
	if err != nil {
		return err
	}
	if c.latest, c.family, err = newestOf(s, col); err != nil {
		return fmt.Errorf("freshness %w", err)
	}
	c.runStart = s.Now()
	c.loc = s.Now().Location()
	return nil
}

// newestOf declares the newest value of a date or timestamp column, or of
// a text column holding timestamps; family is how to read it (wallClock).
func newestOf(s Scope, col Column) (Metric, dialect.Family, error) {
	expr, family := col.SQL, col.Family
	switch {
	case col.Family == dialect.Text:
		family = dialect.Timestamp
		expr = s.Dialect().TryCast(expr, dialect.Timestamp)
	case !col.Family.Temporal():
		return 0, family, fmt.Errorf("needs a date or timestamp column; %s is %s", col.Name, col.Type)
	}
	return s.Aggregate("MAX(" + expr + ")"), family, nil
}

// wallClock reads a value of a column without time zone as what it is,
// a wall-clock time in the source's zone loc: the driver hands it over
// as UTC.
func wallClock(t time.Time, family dialect.Family, loc *time.Location) time.Time {
	if family == dialect.TimestampTZ {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

func (c *freshness) Evaluate(v Values, r *result.Check) {
	th := map[string]any{"max_age_hours": c.maxAge.Hours()}
	if c.hasWarn {
		th["warn"] = map[string]any{"max_age_hours": c.warn.Hours()}
	}
	r.Threshold = th
	t, ok := v.Time(c.latest)
	if !ok {
		r.Status = result.Fail
		r.Message = "no values: the dataset has no " + c.spec.Column
		return
	}
	t = wallClock(t, c.family, c.loc)
	age := c.runStart.Sub(t)
	r.Value, r.Unit = ptr(age.Hours()), "hours"
	r.Details = map[string]any{"latest": t.Format(time.RFC3339), "measured_at": c.runStart.Format(time.RFC3339)}
	if c.maxFuture != nil {
		th["max_future_hours"] = c.maxFuture.Hours()
	}
	// Ahead of the moment it was read, not of the run's start: a row
	// written while a long run reached this dataset is no mistake.
	if lead := t.Sub(v.ReadAt()); lead > 0 {
		c.ahead(lead, r)
		return
	}
	switch {
	case age > c.maxAge:
		r.Status = result.Fail
	case c.hasWarn && age > c.warn:
		r.Status = result.Warn
	default:
		r.Status = result.Pass
	}
	if r.Status != result.Pass {
		r.Message = fmt.Sprintf("newest %s is %s old (max %s)", c.spec.Column, age.Round(time.Minute), c.maxAge)
	}
}

// ahead judges a newest value lead ahead of the time it was read.
func (c *freshness) ahead(lead time.Duration, r *result.Check) {
	r.Details["lead_hours"] = lead.Hours()
	switch {
	case c.maxFuture == nil:
		r.Status = result.Warn
	case lead > *c.maxFuture:
		r.Status = result.Fail
	case c.warnFuture != nil && lead > *c.warnFuture:
		r.Status = result.Warn
	default:
		r.Status = result.Pass
		return
	}
	shown := lead.Round(time.Minute)
	if lead < time.Minute {
		shown = lead.Round(time.Second)
	}
	r.Message = fmt.Sprintf("newest %s is %s ahead of now: a time-zone mistake or a wrong clock?", c.spec.Column, shown)
}
