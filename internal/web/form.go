package web

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/input"
)

// Form carries a submitted form's values and translated errors back into
// the page, so nothing the user typed is lost on a validation error.
type Form struct {
	Values map[string]string
	Errors map[string]string
	// Order lists field names in page order for the error summary.
	Order []string
}

// newForm reads the named fields from the posted form.
func newForm(c *gin.Context, fields ...string) Form {
	f := Form{Values: map[string]string{}, Order: fields}
	for _, name := range fields {
		f.Values[name] = c.PostForm(name)
	}
	return f
}

// withErrors translates a validation error into the form.
func (s *Server) withErrors(c *gin.Context, f Form, ve *input.ValidationError) Form {
	f.Errors = s.fieldMessages(c, ve)
	return f
}

// Summary lists the error messages in field order for the error summary.
func (f Form) Summary() []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range f.Order {
		if m, ok := f.Errors[name]; ok {
			out = append(out, m)
			seen[name] = true
		}
	}
	for name, m := range f.Errors {
		if !seen[name] {
			out = append(out, m)
		}
	}
	return out
}

// Field builds the view of one field for the "field" partial. Options are
// "required", "max=N", "rows=N", "ac=autocomplete-token", "hint=text".
func (f Form) Field(name, typ, label string, opts ...string) FieldView {
	v := FieldView{Name: name, Type: typ, Label: label, Value: f.Values[name], Error: f.Errors[name]}
	for _, o := range opts {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			v.Required = true
		case "max":
			v.MaxLength, _ = strconv.Atoi(val)
		case "rows":
			v.Rows, _ = strconv.Atoi(val)
		case "ac":
			v.Autocomplete = val
		case "hint":
			v.Hint = val
		}
	}
	return v
}

// Set records a value, e.g. a default before the first submission.
func (f Form) Set(name, value string) Form {
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	f.Values[name] = value
	return f
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// paramID parses a numeric path parameter; "12-some-slug" yields 12.
func paramID(c *gin.Context, name string) int64 {
	v := c.Param(name)
	if i := strings.IndexByte(v, '-'); i >= 0 {
		v = v[:i]
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// pageParam reads ?seite=N (1-based), defaulting to 1.
func pageParam(c *gin.Context) int {
	n, err := strconv.Atoi(c.Query("seite"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}
