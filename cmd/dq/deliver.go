package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/pipeline"
)

type deliverOptions struct {
	configPath string
	runID      string
	output     string
}

func newDeliverCmd(g *globals) *cobra.Command {
	o := &deliverOptions{}
	cmd := &cobra.Command{
		Use:   "deliver --config FILE --run ID",
		Short: "Deliver again what a published run has not delivered to publish.http",
		Long: `Deliver a published run's scorecards to the config's publish.http endpoint:
only the ministries its delivery record (runs/<ID>/delivery.json) does not
list as delivered, with the same Idempotency-Key (<ID>/<MINISTRY>) as the
first attempt, so a receiver that got one before counts it once. Use it
after a run exited with 4, or was stopped while delivering. The record is
updated; the exit code is 0 when everything is delivered, 4 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("output") {
				g.viper.Set("output.dir", o.output)
			}
			if err := pipeline.CheckRunID(o.runID); err != nil {
				return withCode(exitUsage, fmt.Errorf("--run: %w", err))
			}
			p, err := loadPrepared(g, o.configPath)
			if err != nil {
				return err
			}
			defer p.Close()
			lock, err := pipeline.Lock(p, "dq deliver", g.logger())
			if err != nil {
				return runError(err)
			}
			defer lock.Release()
			pub, err := pipeline.Deliver(cmd.Context(), p, o.runID, g.logger())
			switch {
			case errors.Is(err, os.ErrNotExist):
				return withCode(exitUsage, fmt.Errorf("--run %s: no such published run in %s", o.runID, p.Config.Output.Dir))
			case pub == nil:
				return withCode(exitUsage, err)
			}
			for _, d := range pub.Deliveries {
				state := "delivered"
				if !d.Delivered {
					state = "not delivered: " + d.Error
				}
				fmt.Fprintf(g.stdout, "%s\t%s\n", d.Ministry, state)
			}
			if errors.Is(err, pipeline.ErrDelivery) {
				_, lines, _ := strings.Cut(err.Error(), "\n")
				fmt.Fprintln(g.stderr, lines)
				return &silentError{code: exitDelivery}
			}
			return withCode(exitUnevaluated, err)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.configPath, "config", "c", "", "config file (YAML) with publish.http")
	f.StringVar(&o.runID, "run", "", "the published run's id (its folder under <output>/runs/)")
	f.StringVarP(&o.output, "output", "o", "", "output folder (overrides output.dir)")
	_ = cmd.MarkFlagRequired("config")
	_ = cmd.MarkFlagRequired("run")
	return cmd
}
