package mysql

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"strings"
	"time"

	driver "github.com/go-sql-driver/mysql"
)

// parseDSN accepts the Go driver's form, user:pass@tcp(host:port)/db?opts,
// and the URL form, mysql://user:pass@host:port/db?opts (also mariadb://).
// The session settings dq relies on are forced: text protocol with
// client-side interpolation, no time parsing (dates are parsed straight
// into Arrow), and the session in UTC.
func parseDSN(dsn string) (*driver.Config, error) {
	var cfg *driver.Config
	if i := strings.Index(dsn, "://"); i > 0 && !strings.Contains(dsn[:i], "@") {
		u, err := url.Parse(dsn)
		if err != nil {
			return nil, fmt.Errorf("bad dsn URL: %v", redactURLError(err))
		}
		if u.Scheme != "mysql" && u.Scheme != "mariadb" {
			return nil, fmt.Errorf("dsn scheme must be mysql:// or mariadb://, got %q", u.Scheme)
		}
		host := u.Host
		if host == "" {
			host = "127.0.0.1"
		}
		if u.Port() == "" {
			host = net.JoinHostPort(strings.Trim(host, "[]"), "3306")
		}
		// Options go through the driver's own parser.
		cfg, err = driver.ParseDSN("tcp(" + host + ")/" + strings.TrimPrefix(u.Path, "/") + "?" + u.RawQuery)
		if err != nil {
			return nil, err
		}
		if u.User != nil {
			cfg.User = u.User.Username()
			cfg.Passwd, _ = u.User.Password()
		}
	} else {
		var err error
		cfg, err = driver.ParseDSN(dsn)
		if err != nil {
			return nil, redactPassword(err, dsn)
		}
	}
	if cfg.DBName == "" {
		return nil, fmt.Errorf("dsn %s names no database", sanitize(cfg))
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	cfg.InterpolateParams = true
	cfg.ParseTime = false
	cfg.MultiStatements = false
	cfg.Loc = time.UTC
	// The driver's own log lines go nowhere: errors are returned.
	cfg.Logger = log.New(io.Discard, "", 0)
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	return cfg, nil
}

// sanitize is how a source is named in errors and logs: user@host:port/db,
// never the password nor options.
func sanitize(cfg *driver.Config) string {
	return cfg.User + "@" + cfg.Addr + "/" + cfg.DBName
}

func redactURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// redactPassword drops the password of a DSN the driver could not parse
// from its error, which may quote the DSN.
func redactPassword(err error, dsn string) error {
	msg := err.Error()
	if at := strings.LastIndex(dsn, "@"); at > 0 {
		if colon := strings.Index(dsn[:at], ":"); colon >= 0 && colon+1 < at {
			msg = strings.ReplaceAll(msg, dsn[colon+1:at], "***")
		}
	}
	return fmt.Errorf("bad dsn: %s", msg)
}
