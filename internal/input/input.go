// Package input owns the checks every piece of user text passes before it is
// stored: valid UTF-8, no control characters, length limits counted in
// characters, and the ValidationError that carries per-field messages (as
// catalogue keys) back to the form or the API problem.
package input

import (
	"net/mail"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Message is a catalogue key with its format arguments.
type Message struct {
	Key  string
	Args []any
}

// ValidationError maps form field names to what is wrong with them.
type ValidationError struct {
	Fields map[string]Message
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k+": "+e.Fields[k].Key)
	}
	sort.Strings(keys)
	return "invalid input: " + strings.Join(keys, ", ")
}

// Checker collects field errors; the first error per field wins.
type Checker struct {
	fields map[string]Message
}

// Add records a problem with field unless one is already recorded.
func (c *Checker) Add(field, key string, args ...any) {
	if c.fields == nil {
		c.fields = map[string]Message{}
	}
	if _, ok := c.fields[field]; !ok {
		c.fields[field] = Message{Key: key, Args: args}
	}
}

// Err returns a *ValidationError when any problem was recorded, else nil.
func (c *Checker) Err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: c.fields}
}

// Text checks a single-line field: trimmed, required or not, between min and
// max characters, valid UTF-8 without control characters. It returns the
// trimmed value; nothing is ever truncated silently.
func (c *Checker) Text(field, value string, required bool, min, max int) string {
	return c.check(field, strings.TrimSpace(value), required, min, max, false)
}

// Multiline is Text for bodies: newlines and tabs are allowed, CRLF is
// normalised to LF, and only trailing whitespace is trimmed.
func (c *Checker) Multiline(field, value string, required bool, min, max int) string {
	value = strings.ReplaceAll(value, "\r\n", "\n")
	value = strings.TrimRightFunc(value, unicode.IsSpace)
	return c.check(field, value, required, min, max, true)
}

func (c *Checker) check(field, value string, required bool, min, max int, multiline bool) string {
	if !utf8.ValidString(value) {
		c.Add(field, "error.input.invalid_utf8")
		return value
	}
	if i := strings.IndexFunc(value, func(r rune) bool { return forbidden(r, multiline) }); i >= 0 {
		c.Add(field, "error.input.control_chars")
		return value
	}
	n := utf8.RuneCountInString(value)
	switch {
	case n == 0 && required:
		c.Add(field, "error.input.required")
	case n == 0:
	case n < min:
		c.Add(field, "error.input.too_short", min)
	case max > 0 && n > max:
		c.Add(field, "error.input.too_long", max, n)
	}
	return value
}

// forbidden reports control and formatting characters that have no place in
// forum text (they enable spoofing, e.g. bidi overrides, or break output).
func forbidden(r rune, multiline bool) bool {
	if multiline && (r == '\n' || r == '\t') {
		return false
	}
	if unicode.IsControl(r) {
		return true
	}
	switch r {
	case '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff':
		return true
	}
	return false
}

// Email checks and normalises an email address (lower-cased, no display name).
func (c *Checker) Email(field, value string) string {
	value = strings.TrimSpace(value)
	v := c.check(field, value, true, 3, 254, false)
	if _, bad := c.fields[field]; bad {
		return v
	}
	a, err := mail.ParseAddress(value)
	if err != nil || a.Address != value || !strings.Contains(value[strings.LastIndexByte(value, '@')+1:], ".") {
		c.Add(field, "error.input.email")
		return value
	}
	return strings.ToLower(value)
}

// OneOf checks that value is one of the allowed values.
func (c *Checker) OneOf(field, value string, allowed []string) string {
	for _, a := range allowed {
		if value == a {
			return value
		}
	}
	c.Add(field, "error.input.choice")
	return value
}
