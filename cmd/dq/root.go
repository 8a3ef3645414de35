package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/pipeline"
	"github.com/vn-registries/dq/progress"
)

// globals are the flags every command shares.
type globals struct {
	logFormat string
	logLevel  string
	quiet     bool
	verbose   bool
	viper     *viper.Viper
	stdout    io.Writer
	stderr    io.Writer
	// logs is where log lines go: stderr, or above the progress line.
	logs io.Writer
	// steward is set by the commands a person runs at a terminal (check,
	// profile, import): their logs start at warn, as the answer is the
	// table on stdout.
	steward bool
	// levelSet is whether --log-level was given.
	levelSet bool
}

func (g *globals) logger() *slog.Logger {
	level := slog.LevelInfo
	name := strings.ToLower(g.logLevel)
	switch {
	case g.levelSet:
	case g.verbose:
		name = "debug"
	case g.quiet:
		name = "error"
	case g.steward:
		name = "warn"
	}
	switch name {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	w := g.logs
	if w == nil {
		w = g.stderr
	}
	if g.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// runOptions are the options of a run a command starts, with progress on
// stderr when it is a terminal (never in a pipe or a CI log) and not
// --quiet; done clears the progress line.
func (g *globals) runOptions() (opts pipeline.Options, done func()) {
	done = func() {}
	if !g.quiet && progress.IsTerminal(g.stderr) {
		line := progress.New(g.stderr)
		g.logs = line.Above(g.stderr)
		opts.Observer = line.Observe
		done = func() {
			line.Close()
			g.logs = nil
		}
	}
	opts.Logger, opts.ToolVersion = g.logger(), version
	return opts, done
}

func execute(ctx context.Context, args []string, stdout, stderr io.Writer) exitCode {
	g := &globals{viper: config.NewViper(), stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "dq",
		Short: "Data-quality scorecards for national and sectoral registries",
		Long: `dq measures how far each registry is from "correct, sufficient, clean and
alive" (đúng, đủ, sạch, sống) and publishes one scorecard per ministry.

Exit codes: 0 all checks passed or warned; 1 a check failed (see --fail-on);
2 usage or configuration error; 3 a dataset or check could not be evaluated;
4 the scorecards were written but delivering them to publish.http failed
(dq deliver sends what is left); 5 stopped by SIGINT or SIGTERM before the
run was published: nothing was published or recorded; 6 another dq process
is using the output folder or history.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			g.levelSet = cmd.Flags().Changed("log-level")
			g.steward = cmd.Annotations["logs"] == "warn"
			if g.quiet && g.verbose {
				return withCode(exitUsage, errors.New("give --quiet or --verbose, not both"))
			}
			switch g.logFormat {
			case "text", "json":
			default:
				return withCode(exitUsage, fmt.Errorf("--log-format must be text or json, got %q", g.logFormat))
			}
			switch strings.ToLower(g.logLevel) {
			case "debug", "info", "warn", "error":
			default:
				return withCode(exitUsage, fmt.Errorf("--log-level must be debug, info, warn or error, got %q", g.logLevel))
			}
			return nil
		},
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetContext(ctx)
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "text", "log format on stderr: text or json")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn, error (dq check, profile and import: warn unless given)")
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "no progress line, and only errors in the logs")
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "logs at debug level (what each source and dataset does)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(exitUsage, err) })

	root.AddCommand(newRunCmd(g), newValidateCmd(g), newCheckCmd(g), newProfileCmd(g), newImportCmd(g), newDemoCmd(g), newHistoryCmd(g), newServeCmd(g), newMergeCmd(g), newDeliverCmd(g))
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	code := codeOf(err)
	var silent *silentError
	if !errors.As(err, &silent) {
		printErr(stderr, err)
	}
	return code
}

// silentError sets an exit code after the command already said why.
type silentError struct{ code exitCode }

func (e *silentError) Error() string { return "exit" }
