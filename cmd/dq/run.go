package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/pipeline"
	"github.com/vn-registries/dq/publish"
	"github.com/vn-registries/dq/scorecard"
)

type runOptions struct {
	configPath string
	explain    bool
	failOn     string
	output     string
	color      string
	shard      string
	runID      string
}

func newRunCmd(g *globals) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run --config FILE",
		Short: "Check every dataset of a config and publish the scorecards",
		Long: `Check every dataset of a config and publish one scorecard per ministry,
plus index.json, under the output folder (output.dir, DQ_OUTPUT_DIR or --output):
<dir>/runs/<run-id>/ holds the run, <dir>/latest points at the newest
complete run. A summary table is printed on stdout.

With --explain, print the SQL the planner would run per dataset and stop.

With --shard I/N --run-id ID, check only part I of N of the datasets (those
joined by cross-registry checks stay together) and leave the results in
<dir>/parts/ID/; once every shard has run, "dq merge --run-id ID --shards N"
publishes the run. The scheduler starts the N processes with the same config
and run id.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("output") {
				g.viper.Set("output.dir", o.output)
			}
			return runRun(cmd, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.configPath, "config", "c", "", "config file (YAML)")
	f.BoolVar(&o.explain, "explain", false, "print the SQL per dataset and exit")
	f.StringVar(&o.failOn, "fail-on", "fail", "exit 1 when a check reaches this status: warn, fail or never")
	f.StringVarP(&o.output, "output", "o", "", "output folder (overrides output.dir)")
	f.StringVar(&o.color, "color", "auto", "color the summary: auto, always, never")
	f.StringVar(&o.shard, "shard", "", "check only part I/N of the datasets and write a part for dq merge (needs --run-id)")
	f.StringVar(&o.runID, "run-id", "", "the run's id (the same for every shard of a run); default from the start time")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

func loadPrepared(g *globals, path string) (*pipeline.Prepared, error) {
	cfg, err := config.Load(path, g.viper)
	if err != nil {
		return nil, withCode(exitUsage, err)
	}
	p, err := pipeline.Prepare(cfg, g.logger())
	if err != nil {
		return nil, withCode(exitUsage, err)
	}
	return p, nil
}

func runRun(cmd *cobra.Command, g *globals, o *runOptions) error {
	if err := checkOutcomeFlags(o.failOn, o.color); err != nil {
		return err
	}
	var shard *pipeline.Shard
	if o.shard != "" {
		s, err := pipeline.ParseShard(o.shard)
		if err != nil {
			return withCode(exitUsage, err)
		}
		if o.runID == "" {
			return withCode(exitUsage, errors.New("--shard needs --run-id: every shard of a run must write under the same id"))
		}
		shard = &s
	}
	if o.runID != "" {
		if err := pipeline.CheckRunID(o.runID); err != nil {
			return withCode(exitUsage, err)
		}
	}
	ctx := cmd.Context()
	log := g.logger()
	p, err := loadPrepared(g, o.configPath)
	if err != nil {
		return err
	}
	defer p.Close()
	cfg := p.Config

	if cfg.Demo != nil {
		if err := ensureDemo(cfg.Demo, log); err != nil {
			return withCode(exitUnevaluated, err)
		}
	}
	if o.explain {
		return withCode(exitUnevaluated, pipeline.Explain(ctx, p, g.stdout))
	}

	marks, err := pipeline.LoadWatermarks(cfg.Output.Dir)
	if err != nil {
		return withCode(exitUnevaluated, err)
	}
	if shard != nil {
		return runShard(cmd, g, o, p, *shard, marks)
	}
	out, err := pipeline.Run(ctx, p, pipeline.Options{Logger: log, ToolVersion: version, Watermarks: marks, RunID: o.runID})
	if err != nil {
		return withCode(exitUnevaluated, err)
	}
	return publishRun(cmd, g, cfg, out, o.failOn, o.color)
}

// runShard checks one shard's datasets and leaves its part; the exit code
// says how its own checks went.
func runShard(cmd *cobra.Command, g *globals, o *runOptions, p *pipeline.Prepared, s pipeline.Shard, marks pipeline.Watermarks) error {
	log := g.logger()
	ids := p.ShardDatasets(s)
	out, err := pipeline.Run(cmd.Context(), p.Only(ids), pipeline.Options{Logger: log, ToolVersion: version, Watermarks: marks, RunID: o.runID})
	if err != nil {
		return withCode(exitUnevaluated, err)
	}
	path, err := pipeline.WritePart(p.Config.Output.Dir, s, out)
	if err != nil {
		return withCode(exitUnevaluated, fmt.Errorf("write the shard's part: %w", err))
	}
	fmt.Fprintf(g.stdout, "shard %s of run %s: %d datasets (%s), part %s\n", s, o.runID, len(ids), strings.Join(ids, ", "), path)
	log.Info("shard finished", "shard", s.String(), "run", o.runID, "datasets", len(ids), "status", out.Index.Status)
	if code := exitFor(out.Index, o.failOn); code != exitOK {
		return &silentError{code: code}
	}
	return nil
}

// publishRun writes a run's scorecards, history and watermarks, delivers
// them, prints the summary and sets the exit code: the end of dq run and
// of dq merge.
func publishRun(cmd *cobra.Command, g *globals, cfg *config.Config, out *pipeline.Outcome, failOn, color string) error {
	ctx := cmd.Context()
	log := g.logger()
	runDir, err := pipeline.Publish(cfg.Output.Dir, out)
	if err != nil {
		return withCode(exitUnevaluated, fmt.Errorf("publish scorecards: %w", err))
	}
	if err := pipeline.RecordHistory(cfg, out); err != nil {
		return withCode(exitUnevaluated, fmt.Errorf("record run history: %w", err))
	}
	if err := pipeline.SaveWatermarks(cfg.Output.Dir, out.Watermarks); err != nil {
		return withCode(exitUnevaluated, fmt.Errorf("save incremental watermarks: %w", err))
	}
	delivered := true
	if h := cfg.Publish.HTTP; h != nil {
		deliveries := publish.NewHTTP(h, os.Getenv, log).Deliver(ctx, out.Run.ID, out.Cards)
		raw, _ := json.MarshalIndent(deliveries, "", "  ")
		if err := scorecard.WriteFileAtomic(filepath.Join(runDir, "delivery.json"), append(raw, '\n')); err != nil {
			log.Warn("delivery record not written", "error", err)
		}
		for _, d := range deliveries {
			if !d.Delivered {
				delivered = false
				fmt.Fprintf(g.stderr, "delivery of %s to %s failed after %d attempts: %s\n", d.Ministry, h.URL, d.Attempts, d.Error)
			}
		}
	}
	dims := make([]string, len(cfg.Dimensions))
	for i, d := range cfg.Dimensions {
		dims[i] = d.ID
	}
	scorecard.WriteSummary(g.stdout, out.Index, dims, useColor(color, g.stdout), out.Cards...)
	fmt.Fprintf(g.stdout, "\nScorecards: %s (latest: %s)\n", runDir, cfg.Output.Dir+"/latest")
	log.Info("run finished", "status", out.Index.Status, "dir", runDir,
		"seconds", out.Run.FinishedAt.Sub(out.Run.StartedAt).Seconds())

	code := exitFor(out.Index, failOn)
	if !delivered && code != exitUnevaluated {
		code = exitDelivery
	}
	if code != exitOK {
		return &silentError{code: code}
	}
	return nil
}

// exitFor maps a run's status to the exit code: an unevaluated dataset or
// check wins over a failed check, since its scores are incomplete.
func exitFor(idx *scorecard.Index, failOn string) exitCode {
	switch {
	case idx.Status == scorecard.Error:
		return exitUnevaluated
	case failOn == "never":
		return exitOK
	case idx.Status == scorecard.Fail:
		return exitChecks
	case idx.Status == scorecard.Warn && failOn == "warn":
		return exitChecks
	}
	return exitOK
}

func useColor(mode string, w any) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// ensureDemo generates the demo registries when they are missing, made by
// another generator version or size, or older than a day (their freshness
// checks are measured against now).
func ensureDemo(d *config.Demo, log interface {
	Info(string, ...any)
}) error {
	if d.Dir == "" {
		return errors.New("demo: dir is required")
	}
	t0 := time.Now()
	truth, made, err := demo.Ensure(d.Dir, demo.Options{Rows: d.Rows, Seed: d.Seed, AsOf: time.Now().UTC().Truncate(time.Hour)}, 24*time.Hour)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if made {
		log.Info("demo data generated", "dir", d.Dir, "rows", truth.Rows, "seconds", time.Since(t0).Seconds())
	}
	return nil
}

// checkOutcomeFlags validates the flags that shape a published run's exit
// code and summary, shared by run and merge.
func checkOutcomeFlags(failOn, color string) error {
	switch failOn {
	case "warn", "fail", "never":
	default:
		return withCode(exitUsage, fmt.Errorf("--fail-on must be warn, fail or never, got %q", failOn))
	}
	switch color {
	case "auto", "always", "never":
	default:
		return withCode(exitUsage, fmt.Errorf("--color must be auto, always or never, got %q", color))
	}
	return nil
}
