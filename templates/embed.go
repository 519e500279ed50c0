// Package templates holds the HTML and mail templates, embedded into the
// binary. A page is rendered from layout.html, every partial and one file
// from pages/; mails come from email/.
package templates

import "embed"

// FS holds layout.html, partials/*.html, pages/ and email/.
//
//go:embed layout.html partials pages email
var FS embed.FS
