package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A published run to serve: the smallest valid one.
func writeServeRun(t *testing.T, dir string) {
	t.Helper()
	run := filepath.Join(dir, "runs", "run-a")
	require.NoError(t, os.MkdirAll(run, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(run, "index.json"), []byte(`{"run": {"id": "run-a"}}`), 0o644))
	require.NoError(t, os.Symlink("runs/run-a", filepath.Join(dir, "latest")))
}

func TestServeCommandShutsDownOnCancel(t *testing.T) {
	dir := t.TempDir()
	writeServeRun(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan exitCode, 1)
	g := &globals{logFormat: "text", logLevel: "error", stdout: pw, stderr: io.Discard}
	go func() {
		if err := runServe(ctx, g, &serveOptions{dir: dir, addr: "127.0.0.1:0"}); err != nil {
			done <- codeOf(err)
		} else {
			done <- exitOK
		}
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	go io.Copy(io.Discard, pr)
	i := strings.Index(line, "http://")
	require.GreaterOrEqual(t, i, 0, line)
	url := strings.TrimSpace(line[i:])

	resp, err := http.Get(url + "index.json")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, string(body), "run-a")

	cancel()
	select {
	case code := <-done:
		require.Equal(t, exitOK, code)
	case <-time.After(15 * time.Second):
		t.Fatal("dq serve did not stop after its context was cancelled")
	}
}

func TestServeBadDir(t *testing.T) {
	g := &globals{logFormat: "text", logLevel: "error", stdout: io.Discard, stderr: io.Discard}
	err := runServe(context.Background(), g, &serveOptions{dir: filepath.Join(t.TempDir(), "missing"), addr: "127.0.0.1:0"})
	require.Error(t, err)
	require.Equal(t, exitUsage, codeOf(err))
	err = runServe(context.Background(), g, &serveOptions{dir: t.TempDir(), addr: "256.0.0.1:bad"})
	require.Equal(t, exitUsage, codeOf(err))
}
