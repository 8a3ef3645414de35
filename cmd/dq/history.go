package main

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/pipeline"
)

type historyOptions struct {
	configPath string
	dataset    string
	check      string
	field      string
	limit      int
	output     string
}

func newHistoryCmd(g *globals) *cobra.Command {
	o := &historyOptions{}
	cmd := &cobra.Command{
		Use:   "history --config FILE [--dataset ID --check ID [--field value]]",
		Short: "List recorded runs, or one check's series for a dataset",
		Long: `Read the run history (history.dir, default <output.dir>/history).

Without --dataset: the last runs, newest first, with their check counts.
With --dataset and --check: that check's value over the last runs, oldest
first. --field picks value (the check's metric: rows, hours, share...),
pass_rate, score, failed, rows or rows_total.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("output") {
				g.viper.Set("output.dir", o.output)
			}
			cfg, err := config.Load(o.configPath, g.viper)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if (o.dataset == "") != (o.check == "") {
				return withCode(exitUsage, fmt.Errorf("--dataset and --check go together"))
			}
			ctx := cmd.Context()
			for _, bad := range pipeline.UnreadableHistory(cfg) {
				fmt.Fprintf(g.stderr, "skipped, cannot be read: %s\n", bad)
			}
			w := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			defer w.Flush()
			if o.dataset == "" {
				runs, err := pipeline.RecordedRuns(ctx, cfg, o.limit)
				if err != nil {
					return withCode(exitUnevaluated, err)
				}
				if len(runs) == 0 {
					fmt.Fprintf(g.stdout, "no run recorded in %s yet\n", cfg.History.Dir)
					return nil
				}
				fmt.Fprintln(w, "RUN\tSTARTED\tMINISTRIES\tCHECKS\tFAILED")
				for _, r := range runs {
					fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\n", r.RunID, r.StartedAt.Format("2006-01-02 15:04:05Z"), r.Ministries, r.Checks, r.Failed)
				}
				return nil
			}
			pts, err := pipeline.CheckHistory(ctx, cfg, o.dataset, o.check, o.field, o.limit)
			if errors.Is(err, pipeline.ErrUnknownHistoryField) {
				return withCode(exitUsage, fmt.Errorf("--field: %w", err))
			}
			if err != nil {
				return withCode(exitUnevaluated, err)
			}
			if len(pts) == 0 {
				fmt.Fprintf(g.stdout, "no history for check %s of dataset %s in %s\n", o.check, o.dataset, cfg.History.Dir)
				return nil
			}
			fmt.Fprintf(w, "RUN\tSTARTED\t%s\n", o.field)
			for _, p := range pts {
				v := "-"
				if p.Value != nil {
					v = fmt.Sprintf("%g", *p.Value)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\n", p.RunID, p.At.Format("2006-01-02 15:04:05Z"), v)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.configPath, "config", "c", "", "config file (YAML)")
	f.StringVar(&o.dataset, "dataset", "", "dataset id")
	f.StringVar(&o.check, "check", "", "check id")
	f.StringVar(&o.field, "field", "value", "value, pass_rate, score, failed, rows or rows_total")
	f.IntVar(&o.limit, "limit", 20, "how many runs")
	f.StringVarP(&o.output, "output", "o", "", "output folder whose history to read (overrides output.dir)")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}
