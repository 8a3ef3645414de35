// Package all links every connector kind into the binary.
package all

import (
	_ "github.com/vn-registries/dq/connectors/clickhouse" // ClickHouse (HTTP), a cluster through a Distributed table
	_ "github.com/vn-registries/dq/connectors/file"       // CSV, Parquet, JSON lines
	_ "github.com/vn-registries/dq/connectors/http"       // REST/JSON APIs
	_ "github.com/vn-registries/dq/connectors/mysql"      // MySQL 8, MariaDB
	_ "github.com/vn-registries/dq/connectors/postgres"   // PostgreSQL
)
