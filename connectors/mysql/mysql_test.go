package mysql

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		dsn, timeout, want, err string
	}{
		{dsn: "root@tcp(127.0.0.1:3306)/test", want: "root@127.0.0.1:3306/test"},
		{dsn: "mysql://root@127.0.0.1:3306/test", want: "root@127.0.0.1:3306/test"},
		{dsn: "mariadb://u:s3cr%40t@db.example/reg?timeout=5s", want: "u@db.example:3306/reg"},
		{dsn: "u:s3cret@tcp(h:1)/d", timeout: "90s", want: "u@h:1/d"},
		{dsn: "", err: "sources.s.dsn: a mysql source needs dsn:"},
		{dsn: "mysql://root@127.0.0.1:3306/", err: "names no database"},
		{dsn: "postgres://u@h/d", err: "scheme"},
		{dsn: "u:s3cret@tcp(h:1)/d", timeout: "soon", err: `sources.s.statement_timeout: want a duration such as 30s or 5m, got "soon"`},
	} {
		t.Run(tc.dsn, func(t *testing.T) {
			c, err := connectors.Open(config.NewSource("s", "mysql", settings{DSN: tc.dsn, StatementTimeout: tc.timeout}), connectors.Deps{})
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				require.ErrorIs(t, err, connectors.ErrConfig)
				require.ErrorIs(t, err, config.ErrInvalid)
				require.NotContains(t, err.Error(), "s3cret")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, c.(*Connector).Name())
		})
	}
	c, err := connectors.Open(config.NewSource("s", "mysql", settings{DSN: "mariadb://u:s3cr%40t@db.example/reg"}), connectors.Deps{})
	require.NoError(t, err)
	require.Equal(t, "s3cr@t", c.(*Connector).cfg.Passwd)
}

func TestSelectSQL(t *testing.T) {
	ds := &config.Dataset{ID: "d", Table: "reg.citi`zens", Key: "id", Where: "a > 1", Sample: &config.Sample{Method: "hash", Fraction: 0.1}}
	q, err := selectSQL(ds, -1)
	require.NoError(t, err)
	require.Equal(t, "SELECT * FROM `reg`.`citi``zens` WHERE (a > 1) AND (CONV(SUBSTRING(MD5(CAST(`id` AS CHAR)), 1, 8), 16, 10) / 4294967296e0) < 0.1", q)

	ds = &config.Dataset{ID: "d", Query: "SELECT 1 AS id -- x\n;", Key: "id", Sample: &config.Sample{Method: "rows", Rows: 10, Seed: 7}}
	q, err = selectSQL(ds, 1000)
	require.NoError(t, err)
	require.Contains(t, q, "FROM (\nSELECT 1 AS id -- x\n) AS dq_src WHERE ")
	require.Contains(t, q, "ORDER BY (CONV(SUBSTRING(MD5(CAST(CONCAT(CAST(`id` AS CHAR), '#7') AS CHAR)), 1, 8), 16, 10) / 4294967296e0), `id` LIMIT 10")
}
