package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/pipeline"
)

type profileOptions struct {
	adHocFlags
	suggest bool
}

func newProfileCmd(g *globals) *cobra.Command {
	o := &profileOptions{}
	cmd := &cobra.Command{
		Use:   "profile SOURCE [TABLE|PATH] [--suggest]",
		Short: "Show what a file, a table or an API holds, and suggest checks for it",
		Long: `Profile one source: per column its type, the share of missing (NULL, blank,
null-like tokens such as N/A) and blank values, the number of distinct values
(exact up to 1,000,000 rows, approximate above: marked ~), the smallest and
largest values, the most frequent values with their counts, the values'
shapes (DDDDDDDDDDDD for 12 digits, Aa Aa for a name) and the domains dq
recognises (cccd, cmnd, mst, bhxh, phone_vn, email, admin_unit,
province_2025, dates written as text). Personal values (identifiers, names,
birth dates, values seldom repeated) are masked as in scorecards. Shapes and
domains are read from a sample of 100,000 rows; everything else from every
row read.

SOURCE is as for dq check. With --suggest, print instead a config with one
dataset whose checks are suggested from the profile, each with a comment
saying why: dq validate accepts it and dq run runs it (dq profile x.csv
--suggest > x.yaml; dq run --config x.yaml), and dq check SOURCE --checks
x.yaml runs its checks.`,
		Args:        cobra.RangeArgs(1, 2),
		Annotations: map[string]string{"logs": "warn"},
		RunE:        func(cmd *cobra.Command, args []string) error { return runProfile(cmd, g, o, args) },
	}
	o.register(cmd)
	cmd.Flags().BoolVar(&o.suggest, "suggest", false, "print a config with checks suggested from the profile")
	return cmd
}

func runProfile(cmd *cobra.Command, g *globals, o *profileOptions, args []string) error {
	a, err := o.adHoc(g, args)
	if err != nil {
		return err
	}
	a.NoChecks = true
	p, err := pipeline.PrepareAdHoc(a, g.viper, g.logger())
	if err != nil {
		return withCode(exitUsage, err)
	}
	defer p.Close()
	opts, done := g.runOptions()
	profile := pipeline.Profile
	if o.suggest {
		profile = pipeline.ProfileForSuggest
	}
	profiles, err := profile(cmd.Context(), p, opts)
	done()
	if err != nil {
		return runError(err)
	}
	switch {
	case o.suggest:
		text, err := pipeline.Suggest(p, profiles, a)
		if err != nil {
			return withCode(exitUnevaluated, err)
		}
		fmt.Fprint(g.stdout, text)
	case o.format == "json":
		if err := pipeline.WriteProfilesJSON(g.stdout, profiles); err != nil {
			return err
		}
	default:
		pipeline.WriteProfiles(g.stdout, profiles)
	}
	for _, pr := range profiles {
		if pr.Error != "" {
			return &silentError{code: exitUnevaluated}
		}
	}
	return nil
}
