package main

import (
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/demo"
	"github.com/vn-registries/dq/demo/load"
)

func newDemoCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Demo registries with planted defects",
	}
	var o demo.Options
	var dir string
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Write the demo registries (seeded, deterministic) and their truth.json",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Rows <= 0 {
				return withCode(exitUsage, fmt.Errorf("--rows must be positive"))
			}
			o.AsOf = time.Now().UTC().Truncate(time.Hour)
			t0 := time.Now()
			truth, err := demo.Generate(dir, o)
			if err != nil {
				return withCode(exitUnevaluated, err)
			}
			for _, name := range sortedKeys(truth.Datasets) {
				d := truth.Datasets[name]
				fmt.Fprintf(g.stdout, "%-14s %10d rows  %s\n", name, d.Rows, d.File)
			}
			fmt.Fprintf(g.stdout, "wrote %s in %.1fs\n", dir, time.Since(t0).Seconds())
			return nil
		},
	}
	gen.Flags().IntVar(&o.Rows, "rows", 20000, "rows of the population registry (the others are sized from it)")
	gen.Flags().Uint64Var(&o.Seed, "seed", 1, "random seed")
	gen.Flags().StringVar(&dir, "dir", "testdata/demo", "output folder")
	var target, prefix string
	ld := &cobra.Command{
		Use:   "load --target postgres://...|mysql://...|clickhouse://...",
		Short: "Put the demo registries into a database (generating them first if needed)",
		Long: `Generate the demo registries if they are missing, then copy each into a table
of the target database (citizens, insurance, land_parcels, students,
health_cards, enterprises, deaths), replacing tables of those names. Then
configs/demo-postgres.yaml or configs/demo-mysql.yaml checks them:

  dq demo load --target postgres://postgres@127.0.0.1:5432/test
  DQ_DEMO_PG_DSN=postgres://postgres@127.0.0.1:5432/test dq run --config configs/demo-postgres.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if target == "" {
				return withCode(exitUsage, fmt.Errorf("--target is required"))
			}
			o.AsOf = time.Now().UTC().Truncate(time.Hour)
			if _, _, err := demo.Ensure(dir, o, 24*time.Hour); err != nil {
				return withCode(exitUnevaluated, err)
			}
			t0 := time.Now()
			n, err := load.Load(cmd.Context(), dir, target, prefix)
			if err != nil {
				return withCode(exitUnevaluated, err)
			}
			for _, name := range sortedKeys(n) {
				fmt.Fprintf(g.stdout, "%-14s %10d rows\n", prefix+name, n[name])
			}
			fmt.Fprintf(g.stdout, "loaded in %.1fs\n", time.Since(t0).Seconds())
			return nil
		},
	}
	ld.Flags().StringVar(&target, "target", "", "database URL: postgres://user@host:port/db, mysql://user@host:port/db, or clickhouse://host:port,host:port/db (one HTTP interface per shard; ?cluster=dq_cluster)")
	ld.Flags().StringVar(&prefix, "prefix", "", "table name prefix, e.g. a schema and a dot")
	ld.Flags().IntVar(&o.Rows, "rows", 20000, "rows of the population registry, when generating")
	ld.Flags().Uint64Var(&o.Seed, "seed", 1, "random seed, when generating")
	ld.Flags().StringVar(&dir, "dir", "testdata/demo", "demo folder")
	cmd.AddCommand(gen, ld)
	return cmd
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
