package pipeline

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vn-registries/dq/demo"
)

// demoMaxAge is how old generated demo data may be: its freshness checks
// are measured against the run's start, so day-old data would fail them.
const demoMaxAge = 24 * time.Hour

// ensureDemo generates the demo registries of a config's demo: section
// when they are missing, made by another generator version or size, or
// older than demoMaxAge. Without a demo: section it does nothing.
func ensureDemo(p *Prepared, log *slog.Logger) error {
	d := p.Config.Demo
	if d == nil {
		return nil
	}
	if d.Dir == "" {
		return errors.New("demo: dir is required")
	}
	t0 := time.Now()
	truth, made, err := demo.Ensure(d.Dir, demo.Options{Rows: d.Rows, Seed: d.Seed, AsOf: time.Now().UTC().Truncate(time.Hour)}, demoMaxAge)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if made {
		log.Info("demo data generated", "dir", d.Dir, "rows", truth.Rows, "seconds", time.Since(t0).Seconds())
	}
	return nil
}
