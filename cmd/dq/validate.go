package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newValidateCmd(g *globals) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "validate --config FILE",
		Short: "Check a config without connecting to anything",
		Long: `Parse and validate a config: YAML syntax, unknown keys, every check's
parameters, sources and references between ministries, sources and datasets.
Nothing is connected to or read. Every problem is listed with its file, line
and field; the exit code is 2 when there is any.`,
		Args: noDataFile,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := loadPrepared(g, path)
			if err != nil {
				return err
			}
			defer p.Close()
			n := 0
			for _, c := range p.Checks {
				n += len(c)
			}
			fmt.Fprintf(g.stdout, "%s: ok (%d ministries, %d sources, %d datasets, %d checks)\n",
				path, len(p.Config.Ministries), len(p.Config.Sources), len(p.Config.Datasets), n)
			return nil
		},
	}
	cmd.Flags().StringVarP(&path, "config", "c", "", "config file (YAML)")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}
