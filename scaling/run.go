package scaling

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Usage is what one child process cost.
type Usage struct {
	Wall   time.Duration
	CPU    time.Duration // user + system, from the child's rusage
	PeakMB float64       // the child's peak RSS (rusage Maxrss, KiB on Linux)
	Exit   int
	Stdout string
	Stderr string
}

// Run runs bin with args in dir and measures it. The exit code is the
// caller's to judge (dq exits 1 when a check fails, which a benchmark on
// data with planted defects expects).
func Run(ctx context.Context, dir, bin string, args ...string) (Usage, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	t0 := time.Now()
	err := cmd.Run()
	u := Usage{Wall: time.Since(t0), Stdout: out.String(), Stderr: errOut.String()}
	if cmd.ProcessState == nil {
		return u, fmt.Errorf("%s %s: %w", bin, strings.Join(args, " "), err)
	}
	u.Exit = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		u.PeakMB = float64(ru.Maxrss) / 1024
	}
	return u, nil
}

// Load1 is the 1-minute load average (0 where /proc/loadavg is missing):
// on a shared machine it says how much the other work weighed on a run.
func Load1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
