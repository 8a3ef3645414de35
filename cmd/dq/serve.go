package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vn-registries/dq/serve"
)

type serveOptions struct {
	dir  string
	addr string
}

func newServeCmd(g *globals) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve --dir DIR [--addr HOST:PORT]",
		Short: "Serve published scorecards (HTML and JSON) over HTTP, read-only",
		Long: `Serve a scorecard folder (the output.dir of dq run) read-only over HTTP:

  /                      index.html of the latest run
  /<MINISTRY>.html       a ministry's page in the latest run
  /index.json            the latest run's index
  /<MINISTRY>.json       a ministry's scorecard in the latest run
  /latest/<file>         the same files under their published path
  /runs/<run-id>/<file>  the files of any published run

"latest" is resolved on every request, so a new run is served as soon as
dq run has published it. A run published without its HTML pages gets them
rendered from its JSON on request. Only GET and HEAD are answered; there
are no directory listings. Stop with Ctrl-C (SIGINT) or SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dir, "dir", "out/scorecards", "scorecard folder (output.dir of dq run)")
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	return cmd
}

func runServe(ctx context.Context, g *globals, o *serveOptions) error {
	err := serve.Run(ctx, serve.Options{Dir: o.dir, Addr: o.addr, Log: g.logger(),
		Listening: func(addr string) { fmt.Fprintf(g.stdout, "Serving %s on http://%s/\n", o.dir, addr) }})
	switch {
	case errors.Is(err, serve.ErrDir):
		return withCode(exitUsage, fmt.Errorf("--dir: %w", err))
	case errors.Is(err, serve.ErrAddr):
		return withCode(exitUsage, fmt.Errorf("--addr: %w", err))
	}
	return withCode(exitUnevaluated, err)
}
