package checks

// SQLShape is what a piece of SQL a config wrote must be, where dq puts
// it.
type SQLShape int

const (
	// SQLPredicate is a boolean expression over one row (valid_if:, a
	// filter).
	SQLPredicate SQLShape = iota
	// SQLAggregate is an aggregate expression over the dataset (a
	// sql_metric).
	SQLAggregate
	// SQLQuery is a whole SELECT (the failing keys of failed_rows).
	SQLQuery
)

// SQLText is one piece of SQL a check runs as the config wrote it.
type SQLText struct {
	// Key is the parameter holding it, for messages.
	Key   string
	Text  string
	Shape SQLShape
	// Dataset is the dataset whose engine runs it: "" for the check's
	// own, else another dataset's id (a filter on the other side).
	Dataset string
}

// UserSQL is implemented by kinds that run SQL text from the config.
// The text is in the SQL of the engine that runs it (DuckDB for files and
// extracts, the source's for engine: source), so the kind cannot check it
// in Init: dq validate does, for each text, as that engine reads it
// (pipeline/usersql.go). At run time it only ever sits inside a SELECT dq
// builds, in a read-only session.
type UserSQL interface {
	UserSQL() []SQLText
}
