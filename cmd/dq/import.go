package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/pipeline"
)

type importOptions struct {
	output string
}

func newImportCmd(g *globals) *cobra.Command {
	o := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import CONTRACT [-o FILE]",
		Short: "Turn a data contract of another tool (ODCS, dbt, Soda) into dq checks",
		Long: `Read a data contract written for another tool and print it as dq dataset
blocks: an Open Data Contract Standard v3 contract, a dbt schema.yml (tests
of models and sources, source freshness) or a Soda data contract. Each check
says which rule it came from, and how dq's meaning differs when it does (a
missing value is also a blank one in dq; a duplicate counts every copy;
bounds are inclusive). Every rule dq cannot run is listed, at the top of
the output and on stderr, with its reason: none is dropped silently.
docs/contracts.md has the mapping tables.

Run the result with dq check SOURCE --checks FILE, or the contract directly
with dq run --contract CONTRACT --source SOURCE.`,
		Args:        cobra.ExactArgs(1),
		Annotations: map[string]string{"logs": "warn"},
		RunE:        func(cmd *cobra.Command, args []string) error { return runImport(g, o, args[0]) },
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the dataset blocks to FILE instead of stdout")
	return cmd
}

func runImport(g *globals, o *importOptions, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return withCode(exitUsage, err)
	}
	r, err := pipeline.ImportContract(path, raw)
	if err != nil {
		return withCode(exitUsage, err)
	}
	text := r.YAML(path)
	if o.output == "" {
		fmt.Fprint(g.stdout, text)
	} else if err := os.WriteFile(o.output, []byte(text), 0o644); err != nil {
		return withCode(exitUnevaluated, err)
	}
	n := 0
	for _, d := range r.Datasets {
		n += len(d.Checks)
	}
	fmt.Fprintf(g.stderr, "%s: %d datasets, %d checks, %d rules not mapped\n", path, len(r.Datasets), n, len(r.Unmapped))
	for _, u := range r.Unmapped {
		fmt.Fprintf(g.stderr, "  not mapped: %s\n", u)
	}
	return nil
}
