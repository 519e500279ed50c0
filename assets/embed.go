// Package assets holds the static files served under /assets/: the
// stylesheet, the progressive-enhancement script and images.
package assets

import "embed"

// FS holds css/, js/ and img/.
//
//go:embed css js img
var FS embed.FS
