package config_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors/file"
)

// dq validate accepts exactly the formats the file connector reads.
func TestFileFormatsMatchTheConnector(t *testing.T) {
	for _, f := range config.FileFormats {
		_, err := file.FormatOf(&config.Dataset{ID: "a", Format: f})
		require.NoError(t, err, f)
	}
	_, err := file.FormatOf(&config.Dataset{ID: "a", Format: "xlsx"})
	require.Error(t, err)
}
