package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/pipeline"
	"github.com/vn-registries/dq/result"
)

type runOptions struct {
	configPath string
	contract   string
	source     string
	explain    bool
	failOn     string
	output     string
	color      string
	shard      string
	runID      string
	memLimit   string
	timings    bool
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

With --contract FILE --source SOURCE, run a data contract written for
another tool (ODCS v3, dbt schema.yml, Soda; see dq import) on SOURCE (as
dq check takes it, with --config for a source of a config) and publish its
scorecard as a run does; the rules it cannot map are listed on stderr.

With --shard I/N --run-id ID, check only part I of N of the datasets (those
joined by cross-registry checks stay together) and leave the results in
<dir>/parts/ID/; once every shard has run, "dq merge --run-id ID --shards N"
publishes the run. The scheduler starts the N processes with the same config
and run id.`,
		Args: noDataFile,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("output") {
				g.viper.Set("output.dir", o.output)
			}
			if cmd.Flags().Changed("memory-limit") {
				g.viper.Set("engine.memory_limit", o.memLimit)
			}
			if o.contract != "" {
				return runContract(cmd, g, o)
			}
			if o.configPath == "" {
				return withCode(exitUsage, errors.New(`required flag "config" not set (or run a data contract with --contract FILE --source SOURCE)`))
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
	f.StringVar(&o.contract, "contract", "", "run a data contract (ODCS, dbt schema.yml, Soda) on --source, without a config")
	f.BoolVar(&o.timings, "timings", false, "print where the run's time went on stderr: per dataset connect, extract, load and checks; per run scoring, trends, pages, history, commit and delivery")
	f.StringVar(&o.memLimit, "memory-limit", "", "the embedded DuckDB's memory limit, e.g. 4GB (overrides engine.memory_limit; default half of RAM), beyond which it spills to disk")
	f.StringVar(&o.source, "source", "", "with --contract: the source its datasets are read from (as dq check's SOURCE)")
	return cmd
}

// noDataFile refuses arguments, and tells a steward who gave a data file
// (dq run citizens.csv) the commands that take one.
func noDataFile(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return withCode(exitUsage, fmt.Errorf("dq %s reads a config given with --config, not %q; to check a data file or a table without a config: dq check %s --check 'not_null(COLUMN)', to see what it holds: dq profile %s",
		cmd.Name(), args[0], args[0], args[0]))
}

// runContract runs a data contract of another tool as an ad hoc config
// and publishes it as dq run does.
func runContract(cmd *cobra.Command, g *globals, o *runOptions) error {
	if err := checkOutcomeFlags(o.failOn, o.color); err != nil {
		return err
	}
	if o.source == "" {
		return withCode(exitUsage, errors.New("--contract needs --source: the file, folder, database URL or config source its datasets are read from"))
	}
	if o.shard != "" || o.explain {
		return withCode(exitUsage, errors.New("--contract runs on its own: no --shard, no --explain"))
	}
	raw, err := os.ReadFile(o.contract)
	if err != nil {
		return withCode(exitUsage, err)
	}
	r, err := pipeline.ImportContract(o.contract, raw)
	if err != nil {
		return withCode(exitUsage, err)
	}
	for _, u := range r.Unmapped {
		fmt.Fprintf(g.stderr, "not mapped: %s\n", u)
	}
	a := pipeline.AdHoc{Source: o.source, Block: []byte(r.YAML(o.contract)), BlockFile: o.contract + " (as dq import writes it)"}
	if o.configPath != "" {
		if a.Base, err = configBase(g, o.configPath); err != nil {
			return err
		}
	}
	p, err := pipeline.PrepareAdHoc(a, g.viper, g.logger())
	if err != nil {
		return withCode(exitUsage, err)
	}
	defer p.Close()
	lock, err := pipeline.Lock(p, "dq run", g.logger())
	if err != nil {
		return runError(err)
	}
	defer lock.Release()
	opts, done := g.runOptions()
	opts.RunID = o.runID
	out, err := pipeline.Run(cmd.Context(), p, opts)
	done()
	if err != nil {
		return runError(err)
	}
	return publishRun(cmd, g, p, out, o.failOn, o.color)
}

func loadPrepared(g *globals, path string) (*pipeline.Prepared, error) {
	p, err := pipeline.PrepareFile(path, g.viper, g.logger())
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
			return withCode(exitUsage, fmt.Errorf("--run-id: %w", err))
		}
	}
	ctx := cmd.Context()
	log := g.logger()
	p, err := loadPrepared(g, o.configPath)
	if err != nil {
		return err
	}
	defer p.Close()
	if o.explain {
		return withCode(exitUnevaluated, pipeline.Explain(ctx, p, g.stdout, log))
	}
	opts, done := g.runOptions()
	defer done()
	opts.RunID = o.runID
	if shard != nil {
		// Shards of a run share the output folder by design: they write
		// parts only, so they take no lock; dq merge does.
		sr, err := pipeline.RunShard(ctx, p, *shard, opts)
		if err != nil {
			return runError(err)
		}
		fmt.Fprintf(g.stdout, "shard %s of run %s: %d datasets (%s), part %s\n", shard, o.runID, len(sr.Datasets), strings.Join(sr.Datasets, ", "), sr.Part)
		log.Info("shard finished", "shard", shard.String(), "run", o.runID, "datasets", len(sr.Datasets), "status", sr.Outcome.Index.Status)
		if code := exitFor(sr.Outcome.Index.Status, o.failOn); code != exitOK {
			return &silentError{code: code}
		}
		return nil
	}
	lock, err := pipeline.Lock(p, "dq run", log)
	if err != nil {
		return runError(err)
	}
	defer lock.Release()
	if o.runID != "" {
		if out, err := pipeline.PublishedRun(p, o.runID); err == nil {
			return republish(cmd, g, p, out, o.failOn, o.color)
		}
	}
	out, err := pipeline.Run(ctx, p, opts)
	done()
	if err != nil {
		return runError(err)
	}
	// The timings are logged (at debug) and printed once the publishing
	// steps are in: whatever the summary and the exit code.
	defer func() {
		out.Timings.Log(log)
		if o.timings && out.Timings != nil {
			fmt.Fprintln(g.stderr)
			_ = out.Timings.Write(g.stderr)
		}
	}()
	return publishRun(cmd, g, p, out, o.failOn, o.color)
}

// runError maps an error that stopped a run to its exit code.
func runError(err error) error {
	switch {
	case errors.Is(err, pipeline.ErrCancelled):
		return withCode(exitCancelled, fmt.Errorf("%w; the last published run stays the latest", err))
	case errors.Is(err, pipeline.ErrBusy):
		return withCode(exitBusy, err)
	}
	return withCode(exitUnevaluated, err)
}

// publishRun publishes a checked run, prints the summary and sets the exit
// code: the end of dq run and of dq merge.
func publishRun(cmd *cobra.Command, g *globals, p *pipeline.Prepared, out *pipeline.Outcome, failOn, color string) error {
	pub, err := pipeline.Publish(cmd.Context(), p, out, g.logger())
	return finish(g, p, out, pub, err, failOn, color)
}

// republish answers a scheduler's retry of a run already published under
// the same --run-id: the data is not checked again; what was not
// delivered is, and the exit code is the published run's.
func republish(cmd *cobra.Command, g *globals, p *pipeline.Prepared, out *pipeline.Outcome, failOn, color string) error {
	g.logger().Info("run already published; not checked again", "run", out.Run.ID)
	fmt.Fprintf(g.stderr, "run %s is already published; showing it (delete runs/%s to check again under this id)\n", out.Run.ID, out.Run.ID)
	var pub *pipeline.Published
	var err error
	if p.Config.Publish.HTTP != nil {
		pub, err = pipeline.Deliver(cmd.Context(), p, out.Run.ID, g.logger())
	}
	if pub == nil {
		pub = &pipeline.Published{Dir: filepath.Join(p.Config.Output.Dir, "runs", out.Run.ID)}
	}
	return finish(g, p, out, pub, err, failOn, color)
}

// finish prints the summary of a published run and sets the exit code.
func finish(g *globals, p *pipeline.Prepared, out *pipeline.Outcome, pub *pipeline.Published, err error, failOn, color string) error {
	log := g.logger()
	delivered := true
	switch {
	case errors.Is(err, pipeline.ErrDelivery):
		delivered = false
		// One line per ministry not delivered, after the first (the
		// sentinel's own text).
		_, lines, _ := strings.Cut(err.Error(), "\n")
		fmt.Fprintln(g.stderr, lines)
		fmt.Fprintf(g.stderr, "deliver them later with: dq deliver --config %s --run %s\n", p.Config.File, out.Run.ID)
	case err != nil:
		return runError(err)
	}
	out.WriteSummary(g.stdout, useColor(color, g.stdout))
	latest := p.Config.Output.Dir + "/latest"
	if !pub.Latest && pub.Dir != "" && pipeline.LatestRunID(p) != out.Run.ID {
		latest += ", which shows a run that started later"
	}
	fmt.Fprintf(g.stdout, "\nScorecards: %s (latest: %s)\n", pub.Dir, latest)
	log.Info("run finished", "status", out.Index.Status, "dir", pub.Dir,
		"seconds", out.Run.FinishedAt.Sub(out.Run.StartedAt).Seconds())

	code := exitFor(out.Index.Status, failOn)
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
func exitFor(status result.Status, failOn string) exitCode {
	switch {
	case status == result.Error:
		return exitUnevaluated
	case failOn == "never":
		return exitOK
	case status == result.Fail:
		return exitChecks
	case status == result.Warn && failOn == "warn":
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
