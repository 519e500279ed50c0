package mail

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"text/template"

	"kommunalforum/internal/i18n"
	"kommunalforum/internal/store"
)

// Composer turns a mail kind ("verify", "reset", ...) into an outbox row:
// the subject is the catalogue key mail.<kind>.subject, the text body the
// template email/<kind>.txt rendered in the recipient's language.
type Composer struct {
	tmpl    *template.Template
	cat     *i18n.Catalog
	domain  string // for Message-IDs
	SiteURL string // absolute base URL, no trailing slash
}

// NewComposer parses the email templates from fsys (the embedded templates
// directory). from is the sender address; its domain names the Message-IDs.
func NewComposer(fsys fs.FS, cat *i18n.Catalog, siteURL, from string) (*Composer, error) {
	c := &Composer{cat: cat, SiteURL: strings.TrimRight(siteURL, "/")}
	c.domain = "kommunalforum.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		c.domain = strings.Trim(from[at+1:], "> ")
	}
	// t is rebound per language in Compose; this stub lets the templates parse.
	funcs := template.FuncMap{"t": func(string, ...any) string { return "" }}
	t, err := template.New("email").Funcs(funcs).ParseFS(fsys, "email/*.txt")
	if err != nil {
		return nil, fmt.Errorf("parse email templates: %w", err)
	}
	c.tmpl = t
	return c, nil
}

// Compose renders a mail of the given kind to one recipient. data is passed
// to the template as .Data; .Site is the site URL.
func (c *Composer) Compose(lang, kind, to string, data any) (store.OutboxMail, error) {
	t, err := c.tmpl.Clone()
	if err != nil {
		return store.OutboxMail{}, err
	}
	t.Funcs(template.FuncMap{"t": func(key string, args ...any) string { return c.cat.T(lang, key, args...) }})
	var buf bytes.Buffer
	err = t.ExecuteTemplate(&buf, kind+".txt", struct {
		Site string
		Data any
	}{c.SiteURL, data})
	if err != nil {
		return store.OutboxMail{}, fmt.Errorf("compose %s mail: %w", kind, err)
	}
	return store.OutboxMail{
		MessageID: NewMessageID(c.domain),
		Recipient: to,
		Subject:   c.cat.T(lang, "mail."+kind+".subject"),
		BodyText:  buf.String() + "\n-- \n" + c.cat.T(lang, "mail.signature", c.SiteURL) + "\n",
	}, nil
}
