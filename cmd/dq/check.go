package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/pipeline"
)

// adHocFlags are how dq check and dq profile are told what to read.
type adHocFlags struct {
	configPath string
	key        string
	sample     string
	full       bool
	format     string
}

func (f *adHocFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.configPath, "config", "c", "", "a config whose source SOURCE names (and whose engine settings, time zone and missing tokens apply)")
	fl.StringVar(&f.key, "key", "", "the identifier column: examples, masking, hash samples")
	fl.StringVar(&f.sample, "sample", "", "check a sample: a share on the key (5%) or a number of rows (100000)")
	fl.BoolVar(&f.full, "full", false, "read every row, whatever a --checks file's sample: says")
	fl.StringVar(&f.format, "format", "table", "output: table or json")
}

// adHoc is the run the flags and arguments describe.
func (f *adHocFlags) adHoc(g *globals, args []string) (pipeline.AdHoc, error) {
	a := pipeline.AdHoc{Source: args[0], Key: f.key, Sample: f.sample, Full: f.full}
	if len(args) > 1 {
		a.Object = args[1]
	}
	switch f.format {
	case "table", "json":
	default:
		return a, withCode(exitUsage, fmt.Errorf("--format must be table or json, got %q", f.format))
	}
	if f.full && f.sample != "" {
		return a, withCode(exitUsage, errors.New("give --sample or --full, not both"))
	}
	if f.configPath != "" {
		base, err := configBase(g, f.configPath)
		if err != nil {
			return a, err
		}
		a.Base = base
	}
	return a, nil
}

// configBase loads the --config an ad hoc run takes its sources from.
func configBase(g *globals, path string) (*config.Config, error) {
	base, err := config.Load(path, g.viper)
	if err != nil {
		return nil, withCode(exitUsage, err)
	}
	return base, nil
}

type checkOptions struct {
	adHocFlags
	checks     []string
	checksFile string
	failOn     string
	color      string
}

func newCheckCmd(g *globals) *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check SOURCE [TABLE|PATH] --check 'KIND(COLUMN, key=value)' ... | --checks FILE",
		Short: "Check a file, a table or an API without writing a config",
		Long: `Run checks on one source and print a table: each check's status, failed
and evaluated rows, pass rate (with its 95% interval on a sample) and a few
masked failing examples. Nothing is published or recorded.

SOURCE is a file path or glob (CSV, Parquet, JSON lines), a folder with a
PATH in it, postgres://…, mysql://… (mariadb://…) or clickhouse://host:8123/db
with a TABLE, an
https://… JSON API, or the name of a source of the config given with
--config (with the TABLE or PATH to read in it).

Checks are written as on the command line, kind(columns, key=value, ...):
  --check 'not_null(cccd)' --check 'unique(cccd)'
  --check 'format(cccd, validator=cccd)' --check 'in_set(gender, values=[M, F])'
  --check 'between(birth_date, min=1900-01-01, max=today)' --check 'row_count(min=1000)'
or read from a file with --checks (a dataset block, as dq profile --suggest
and dq import write; every key of a dataset in a config works). The kinds
and their keys are those of configs/README.md.

Exit codes as dq run: 0 passed or warned, 1 a check failed (--fail-on),
2 usage or a bad check, 3 something could not be evaluated.`,
		Args:        cobra.RangeArgs(1, 2),
		Annotations: map[string]string{"logs": "warn"},
		RunE:        func(cmd *cobra.Command, args []string) error { return runCheck(cmd, g, o, args) },
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&o.checks, "check", nil, "a check, kind(columns, key=value, ...); repeat for more")
	f.StringVar(&o.checksFile, "checks", "", "a YAML file of checks: a dataset block, a list of checks or a config's datasets")
	f.StringVar(&o.failOn, "fail-on", "fail", "exit 1 when a check reaches this status: warn, fail or never")
	f.StringVar(&o.color, "color", "auto", "color the statuses: auto, always, never")
	return cmd
}

func runCheck(cmd *cobra.Command, g *globals, o *checkOptions, args []string) error {
	if err := checkOutcomeFlags(o.failOn, o.color); err != nil {
		return err
	}
	if len(o.checks) == 0 && o.checksFile == "" {
		return withCode(exitUsage, fmt.Errorf("no checks: give --check 'not_null(COLUMN)' (repeat for more) or --checks FILE; to see what %s holds first: dq profile %s", args[0], args[0]))
	}
	a, err := o.adHoc(g, args)
	if err != nil {
		return err
	}
	a.Checks = o.checks
	if o.checksFile != "" {
		if a.Block, err = os.ReadFile(o.checksFile); err != nil {
			return withCode(exitUsage, fmt.Errorf("--checks: %w", err))
		}
		a.BlockFile = o.checksFile
	}
	p, err := pipeline.PrepareAdHoc(a, g.viper, g.logger())
	if err != nil {
		return withCode(exitUsage, err)
	}
	defer p.Close()
	opts, done := g.runOptions()
	out, err := pipeline.RunAdHoc(cmd.Context(), p, opts)
	done()
	if err != nil {
		return runError(err)
	}
	if o.format == "json" {
		if err := out.WriteChecksJSON(g.stdout); err != nil {
			return err
		}
	} else {
		out.WriteChecks(g.stdout, useColor(o.color, g.stdout))
	}
	if code := exitFor(out.Index.Status, o.failOn); code != exitOK {
		return &silentError{code: code}
	}
	return nil
}
