package web

import (
	"kommunalforum/internal/store"
)

// Base is embedded in every page struct: what the layout needs.
type Base struct {
	Title       string      // page title without the site name; translated
	Lang        string      // "de" or "en"
	User        *store.User // nil when anonymous
	Breadcrumbs []Crumb     // without "Startseite", which the layout adds
	Flash       string      // a one-time notice, already translated
	Path        string      // request path and query, for the language switch
	RequestID   string
	NoIndex     bool // ask search engines not to index (forms, errors)
	// ModQueue is the number of entries in a moderator's review queue,
	// shown in the navigation (see CanReview); 0 for everyone else.
	ModQueue int
	// NoLocalLogin hides the links to registration and the password
	// forms (auth.local_login: false).
	NoLocalLogin bool
}

// Crumb is one breadcrumb link; the last one is the current page (URL may be empty).
type Crumb struct {
	Label string
	URL   string
}

// FieldView is what the "field" partial renders: a labelled input or
// textarea with its error tied to it via aria-describedby.
type FieldView struct {
	Name         string
	Type         string // text, email, password, textarea, number
	Label        string // translated
	Hint         string // translated, optional
	Value        string
	Error        string // translated, empty when valid
	Required     bool
	Autocomplete string
	MaxLength    int
	Rows         int // textarea rows
}
