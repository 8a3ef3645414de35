package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/pipeline"
)

type mergeOptions struct {
	configPath string
	runID      string
	shards     int
	failOn     string
	color      string
	output     string
}

func newMergeCmd(g *globals) *cobra.Command {
	o := &mergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge --config FILE --run-id ID --shards N",
		Short: "Publish a run whose datasets were checked by N shards",
		Long: `Publish a run split over N processes (dq run --shard I/N --run-id ID):
read the N parts under <output dir>/parts/ID/, assemble the scorecards as one
process would have, then publish, record history and deliver as dq run does.

While a shard has not written its part, nothing is published and the exit
code is 3; run the merge again once it has. The parts are removed once the
run is published.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("output") {
				g.viper.Set("output.dir", o.output)
			}
			if err := checkOutcomeFlags(o.failOn, o.color); err != nil {
				return err
			}
			if err := pipeline.CheckRunID(o.runID); err != nil {
				return withCode(exitUsage, fmt.Errorf("--run-id: %w", err))
			}
			if o.shards < 1 {
				return withCode(exitUsage, fmt.Errorf("--shards must be the N of the shards' --shard I/N, got %d", o.shards))
			}
			p, err := loadPrepared(g, o.configPath)
			if err != nil {
				return err
			}
			defer p.Close()
			lock, err := pipeline.Lock(p, "dq merge", g.logger())
			if err != nil {
				return runError(err)
			}
			defer lock.Release()
			if out, err := pipeline.PublishedRun(p, o.runID); err == nil {
				return republish(cmd, g, p, out, o.failOn, o.color)
			}
			out, err := pipeline.Merge(cmd.Context(), p, o.runID, o.shards)
			if err != nil {
				if errors.Is(err, pipeline.ErrPartsMissing) {
					return withCode(exitUnevaluated, err)
				}
				return runError(fmt.Errorf("merge run %s: %w", o.runID, err))
			}
			err = publishRun(cmd, g, p, out, o.failOn, o.color)
			var se *silentError
			if err == nil || errors.As(err, &se) {
				// Published: the parts have served.
				if rmErr := pipeline.RemoveParts(p.Config.Output.Dir, o.runID); rmErr != nil {
					g.logger().Warn("parts not removed", "run", o.runID, "error", rmErr)
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.configPath, "config", "c", "", "config file (YAML), the one the shards ran")
	f.StringVar(&o.runID, "run-id", "", "the run id the shards were given")
	f.IntVar(&o.shards, "shards", 0, "how many shards the run was split in (the N of --shard I/N)")
	f.StringVar(&o.failOn, "fail-on", "fail", "exit 1 when a check reaches this status: warn, fail or never")
	f.StringVar(&o.color, "color", "auto", "color the summary: auto, always, never")
	f.StringVarP(&o.output, "output", "o", "", "output folder the shards wrote to (overrides output.dir)")
	_ = cmd.MarkFlagRequired("config")
	_ = cmd.MarkFlagRequired("run-id")
	_ = cmd.MarkFlagRequired("shards")
	return cmd
}
