package result

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWorse(t *testing.T) {
	require.Equal(t, Warn, Worse(Pass, Warn))
	require.Equal(t, Fail, Worse(Fail, Warn))
	require.Equal(t, Error, Worse(Fail, Error))
	require.Equal(t, Error, Worse(Error, Pass))
	require.Equal(t, Pass, Worse("", Pass))
	require.Equal(t, Pass, Worse(Pass, ""))
}
