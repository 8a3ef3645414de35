package config

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// substitution is one ${NAME} replaced by its variable's value.
type substitution struct{ name, value string }

// envRefs are the ${NAME} references of a config's text, each replaced
// by a token before the text is parsed: letters, digits and underscores
// only, which are part of a plain scalar anywhere (a ${NAME} is not, in a
// flow mapping such as {threads: ${N}}), and which the values are then
// put in place of. The text's structure is the same with either.
type envRefs struct {
	token *regexp.Regexp // a token, its reference's index as group 1
	names []string       // by index
}

// markEnv replaces each ${NAME} of raw with a token that raw does not
// otherwise contain; lines stay where they are.
func markEnv(raw []byte) ([]byte, envRefs) {
	prefix := "DQENV"
	for bytes.Contains(raw, []byte(prefix)) {
		prefix += "X"
	}
	var refs envRefs
	refs.token = regexp.MustCompile(prefix + `([0-9]+)_`)
	marked := envRef.ReplaceAllFunc(raw, func(m []byte) []byte {
		refs.names = append(refs.names, string(m[2:len(m)-1]))
		return fmt.Appendf(nil, "%s%d_", prefix, len(refs.names)-1)
	})
	return marked, refs
}

// unmark is s with its tokens back as the ${NAME} they stand for.
func (r envRefs) unmark(s string) string {
	return r.token.ReplaceAllStringFunc(s, func(m string) string {
		return "${" + r.names[r.index(m)] + "}"
	})
}

func (r envRefs) index(token string) int {
	i, _ := strconv.Atoi(r.token.FindStringSubmatch(token)[1])
	return i
}

// expansion is what expandEnv did to a config.
type expansion struct {
	refs envRefs
	// unset are the names referenced but not set, once each, in file
	// order.
	unset []string
	// done are the values put in, for Redact.
	done []substitution
	// written are the values as written (with their ${NAME}), by line,
	// for messages about them.
	written map[int][]string
	// keys are mapping keys that reference a variable, as written.
	keys []*yaml.Node
}

// expandEnv puts the variables' values in place of the tokens markEnv
// left, inside the scalar values of the parsed document n, never in its
// text: whatever a value holds (quotes, a newline, `{a: b}`,
// `x", read_only: false, "y`) stays one scalar, so it cannot add a key,
// switch read_only off or end a mapping. Only the braced form is a
// reference: a bare $ is common in regex patterns. An unquoted value is
// read again as YAML reads a plain scalar (threads: ${N} is a number,
// read_only: ${RO} a boolean); a quoted one stays a string. Keys are
// structure and are not expanded: a key that references a variable is
// reported. Aliases are skipped, as the value they point to is expanded
// where it is written; a variable's value is never expanded again.
func expandEnv(n *yaml.Node, refs envRefs) expansion {
	e := expansion{refs: refs, written: map[int][]string{}}
	e.walk(n)
	return e
}

func (e *expansion) walk(n *yaml.Node) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			e.walk(c)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; e.refs.token.MatchString(k.Value) {
				k.Value = e.refs.unmark(k.Value)
				e.keys = append(e.keys, k)
			}
			e.walk(n.Content[i+1])
		}
	case yaml.ScalarNode:
		e.scalar(n)
	}
}

const quotedStyles = yaml.TaggedStyle | yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle

func (e *expansion) scalar(n *yaml.Node) {
	if !e.refs.token.MatchString(n.Value) {
		return
	}
	e.written[n.Line] = append(e.written[n.Line], e.refs.unmark(n.Value))
	n.Value = e.refs.token.ReplaceAllStringFunc(n.Value, func(m string) string {
		name := e.refs.names[e.refs.index(m)]
		val, ok := os.LookupEnv(name)
		if !ok {
			if !slices.Contains(e.unset, name) {
				e.unset = append(e.unset, name)
			}
			return ""
		}
		e.done = append(e.done, substitution{name, val})
		return val
	})
	if n.Style&quotedStyles == 0 {
		// The parser typed the token as a string; the value is typed now.
		n.Tag = ""
		n.Tag = n.ShortTag()
	}
}

var quotedByYAML = regexp.MustCompile("`[^`]*`")

// locate puts back, in yaml.v3's messages about a line holding expanded
// values, the value as written: yaml.v3 quotes a value cut to a few
// characters, which Redact cannot recognise as the secret it begins.
func (e *expansion) locate(errs Errors) {
	for _, er := range errs {
		written, ok := e.written[er.Loc.Line]
		if !ok {
			continue
		}
		shown := "(a value from the environment)"
		if len(written) == 1 {
			shown = written[0]
		}
		er.Msg = quotedByYAML.ReplaceAllLiteralString(er.Msg, "`"+shown+"`")
	}
}

// minSecret is the shortest substituted value Redact hides: shorter ones
// are no secret worth the name (a port, a flag), and replacing them would
// garble the numbers of a message.
const minSecret = 4

// Redact replaces every value the config took from the environment
// (${NAME}, 4 characters or more) with its reference in s: a secret (a
// DSN's password, a key) quoted by an error, ours or a driver's, reads
// ${DQ_POPULATION_DSN}. Longer values first, so a value holding another
// is replaced whole.
func (c *Config) Redact(s string) string {
	subs := slices.Clone(c.substituted)
	slices.SortStableFunc(subs, func(a, b substitution) int { return len(b.value) - len(a.value) })
	for _, sub := range subs {
		if len(sub.value) >= minSecret {
			s = strings.ReplaceAll(s, sub.value, "${"+sub.name+"}")
		}
	}
	return s
}

// RedactErrors applies Redact to every problem's field and message.
func (c *Config) RedactErrors(errs Errors) {
	for _, e := range errs {
		e.Field, e.Msg = c.Redact(e.Field), c.Redact(e.Msg)
	}
}

// RedactURL is raw for messages: no user information, and every query
// value replaced by xxx (a key in ?key=... is as secret as a password).
// Something that does not parse as a URL is not shown at all.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	u.User = nil
	u.Fragment = ""
	if u.RawQuery != "" {
		q := u.Query()
		for _, vals := range q {
			for i := range vals {
				vals[i] = "xxx"
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}
