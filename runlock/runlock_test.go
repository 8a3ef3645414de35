package runlock

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAcquireIsExclusiveAndReleased(t *testing.T) {
	out, hist := t.TempDir(), t.TempDir()
	a, err := Acquire("dq run", out, hist)
	require.NoError(t, err)
	// flock locks belong to an open file description, so a second
	// Acquire in this process contends like another process would.
	_, err = Acquire("dq merge", hist)
	require.ErrorIs(t, err, ErrBusy)
	require.ErrorContains(t, err, hist)
	require.ErrorContains(t, err, "dq run (pid ")
	a.Release()
	b, err := Acquire("dq merge", out, hist)
	require.NoError(t, err)
	b.Release()
}

func TestAllOrNone(t *testing.T) {
	out, hist := t.TempDir(), t.TempDir()
	h, err := Acquire("dq run", hist)
	require.NoError(t, err)
	defer h.Release()
	_, err = Acquire("dq run", out, hist)
	require.ErrorIs(t, err, ErrBusy)
	// out was released when hist could not be taken.
	o, err := Acquire("dq run", out)
	require.NoError(t, err)
	o.Release()
}

// A process that dies holding the lock leaves it free: the kernel drops
// an flock with the process.
func TestKilledHolderLeavesNoStaleLock(t *testing.T) {
	if os.Getenv("DQ_RUNLOCK_CHILD") != "" {
		_, err := Acquire("child", os.Getenv("DQ_RUNLOCK_CHILD"))
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestKilledHolderLeavesNoStaleLock$")
	cmd.Env = append(os.Environ(), "DQ_RUNLOCK_CHILD="+dir)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	buf := make([]byte, 64)
	n, _ := stdout.Read(buf)
	require.True(t, strings.Contains(string(buf[:n]), "locked"), string(buf[:n]))
	_, err = Acquire("dq run", dir)
	require.ErrorIs(t, err, ErrBusy, "held while the child lives")
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	l, err := Acquire("dq run", dir)
	require.NoError(t, err, "free once the holder is killed")
	l.Release()
	_, err = os.Stat(filepath.Join(dir, File))
	require.NoError(t, err)
}
