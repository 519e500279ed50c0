package notify

import (
	"bytes"
	"fmt"
	htemplate "html/template"
	"io"
	"io/fs"
	"mime"
	"net/url"
	"strconv"
	"strings"
	ttemplate "text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"kommunalforum/internal/i18n"
	"kommunalforum/internal/mail"
	"kommunalforum/internal/store"
)

// Item is one entry of a mail: what happened, where, an excerpt and a link.
type Item struct {
	Kind      string // a store.Reason* or store.Item* constant
	Label     string // translated: what happened ("Neue Antwort von …")
	Title     string
	FieldName string
	Excerpt   string
	URL       string // absolute
	At        time.Time
	// Text and HTML are the item as digests show it, rendered once per
	// item and language (see itemCache): a digest then only strings
	// snippets together, which keeps 100,000 digests cheap.
	Text string
	HTML htemplate.HTML

	threadID, postID int64
}

// Section is a titled group of items in a digest.
type Section struct {
	Key   string // official, faq, fields, replies
	Title string
	Items []Item
	More  int // items left out to keep the mail short
}

// sectionOrder is the order of a digest's sections.
var sectionOrder = []string{"official", "faq", "fields", "replies"}

// sectionOf maps an item kind to its digest section.
func sectionOf(kind string) string {
	switch kind {
	case store.ReasonOfficial, store.ReasonPMStatus, store.ReasonPMAssigned, store.ReasonPMNew:
		return "official"
	case store.ItemFAQNew, store.ItemFAQUpdated:
		return "faq"
	case store.ItemNewThread, store.ItemTopPost, store.ReasonFieldPost: // ItemNewThread is ReasonNewThread too
		return "fields"
	}
	return "replies"
}

// maxSectionItems bounds each digest section; the rest is counted.
const maxSectionItems = 10

// excerptLen is the length of an item's excerpt in characters.
const excerptLen = 220

// composer renders notification mails from the email templates, with one
// parsed template set per language so that composing 100,000 digests
// clones nothing.
type composer struct {
	cat    *i18n.Catalog
	text   map[string]*ttemplate.Template
	html   map[string]*htemplate.Template
	site   string // absolute base URL, no trailing slash
	domain string // for Message-IDs and List-Ids
	tokens *Tokens
	deflt  string // default language
}

func newComposer(fsys fs.FS, cat *i18n.Catalog, site, from, deflt string, tokens *Tokens) (*composer, error) {
	c := &composer{cat: cat, text: map[string]*ttemplate.Template{}, html: map[string]*htemplate.Template{},
		site: strings.TrimRight(site, "/"), tokens: tokens, deflt: deflt, domain: "kommunalforum.invalid"}
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		c.domain = strings.Trim(from[at+1:], "> ")
	}
	if !cat.Has(c.deflt) {
		c.deflt = i18n.Default
	}
	for _, lang := range cat.Languages() {
		tf := func(key string, args ...any) string { return cat.T(lang, key, args...) }
		tt, err := ttemplate.New("email").Funcs(ttemplate.FuncMap{"t": tf}).
			ParseFS(fsys, "email/notify_thread.txt", "email/notify_digest.txt")
		if err != nil {
			return nil, fmt.Errorf("parse notification mail templates: %w", err)
		}
		ht, err := htemplate.New("email").Funcs(htemplate.FuncMap{"t": tf}).
			ParseFS(fsys, "email/notify_layout.html", "email/notify_thread.html", "email/notify_digest.html")
		if err != nil {
			return nil, fmt.Errorf("parse notification mail templates: %w", err)
		}
		c.text[lang], c.html[lang] = tt, ht
		// Render the per-item snippets once now, so a broken one fails
		// start-up rather than a digest round.
		if err := tt.ExecuteTemplate(io.Discard, "notify_digest_item.txt", Item{}); err != nil {
			return nil, fmt.Errorf("notification mail templates: %w", err)
		}
		if err := ht.ExecuteTemplate(io.Discard, "notify_item", Item{}); err != nil {
			return nil, fmt.Errorf("notification mail templates: %w", err)
		}
	}
	return c, nil
}

// lang is the language to write to u in.
func (c *composer) lang(u store.User) string {
	if c.cat.Has(u.Language) {
		return u.Language
	}
	return c.deflt
}

// mailData is what both templates of a mail get.
type mailData struct {
	Name        string
	Intro       string
	Items       []Item    // thread mails
	Sections    []Section // digests
	Reason      string    // why the recipient gets this mail
	URL         string    // the thread (thread mails)
	SettingsURL string
	Unsubscribe string // the unsubscribe page for this stream
	Stream      string
}

func (c *composer) render(lang, name string, d mailData) (text, html string, err error) {
	var tb, hb bytes.Buffer
	// Sized for a typical digest, so the buffers do not regrow step by step.
	tb.Grow(6 << 10)
	hb.Grow(8 << 10)
	if err := c.text[lang].ExecuteTemplate(&tb, name+".txt", d); err != nil {
		return "", "", fmt.Errorf("render %s.txt: %w", name, err)
	}
	if err := c.html[lang].ExecuteTemplate(&hb, name+".html", d); err != nil {
		return "", "", fmt.Errorf("render %s.html: %w", name, err)
	}
	return tb.String(), hb.String(), nil
}

// unsubscribeURL is the signed link that stops stream for userID.
func (c *composer) unsubscribeURL(userID int64, s Stream) string {
	q := url.Values{"u": {strconv.FormatInt(userID, 10)}, "s": {s.String()}, "t": {c.tokens.Sign(userID, s)}}
	return c.site + "/mail/abbestellen?" + q.Encode()
}

// headers are the list and unsubscribe headers every notification mail
// carries (RFC 2369, 2919, 8058).
func (c *composer) headers(listLabel, listName, unsubscribe string) map[string]string {
	return map[string]string{
		"List-Id":               encodePhrase(listName) + " <" + listLabel + "." + c.domain + ">",
		"List-Unsubscribe":      "<" + unsubscribe + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"Precedence":            "list",
	}
}

// threadRef is the stable ID every mail about a thread refers to, so mail
// clients group them into one conversation.
func (c *composer) threadRef(threadID int64) string {
	return fmt.Sprintf("<thread-%d@%s>", threadID, c.domain)
}

// threadMail composes one mail about a thread for u: the items that
// arrived within the immediate window.
func (c *composer) threadMail(u store.User, t store.DigestItem, items []Item) (store.OutboxMail, error) {
	lang := c.lang(u)
	viaField := true
	for _, it := range items {
		if it.Kind != store.ReasonFieldPost && it.Kind != store.ReasonNewThread {
			viaField = false
		}
	}
	s := Stream{Kind: StreamThread, ID: t.ThreadID}
	reason := c.cat.T(lang, "notify.mail.reason_thread")
	if viaField {
		s = Stream{Kind: StreamField, ID: t.FieldID}
		reason = c.cat.T(lang, "notify.mail.reason_field", t.FieldName)
	}
	unsub := c.unsubscribeURL(u.ID, s)
	d := mailData{Name: u.DisplayName, Items: items, Reason: reason, URL: c.site + t.URL,
		SettingsURL: c.site + "/konto/benachrichtigungen", Unsubscribe: unsub, Stream: s.String(),
		Intro: c.cat.T(lang, "notify.mail.thread_intro", t.Title, t.FieldName)}
	text, html, err := c.render(lang, "notify_thread", d)
	if err != nil {
		return store.OutboxMail{}, err
	}
	h := c.headers(t.FieldSlug, t.FieldName, unsub)
	h["In-Reply-To"] = c.threadRef(t.ThreadID)
	h["References"] = c.threadRef(t.ThreadID)
	return store.OutboxMail{
		MessageID: mail.NewMessageID(c.domain), Recipient: u.Email, UserID: u.ID, Kind: "notify",
		Subject:  c.cat.T(lang, "notify.mail.thread_subject", t.FieldName, t.Title),
		BodyText: text, BodyHTML: html, Headers: h,
	}, nil
}

// digestMail composes u's digest of the given frequency from its sections.
func (c *composer) digestMail(u store.User, freq string, secs []Section, count int) (store.OutboxMail, error) {
	lang := c.lang(u)
	s := Stream{Kind: StreamDigest, Freq: freq}
	unsub := c.unsubscribeURL(u.ID, s)
	d := mailData{Name: u.DisplayName, Sections: secs, SettingsURL: c.site + "/konto/benachrichtigungen",
		Unsubscribe: unsub, Stream: s.String(),
		Intro:  c.cat.N(lang, "notify.digest.intro."+freq, count),
		Reason: c.cat.T(lang, "notify.digest.reason."+freq)}
	text, html, err := c.render(lang, "notify_digest", d)
	if err != nil {
		return store.OutboxMail{}, err
	}
	return store.OutboxMail{
		MessageID: mail.NewMessageID(c.domain), Recipient: u.Email, UserID: u.ID, Kind: "digest",
		Subject:  c.cat.N(lang, "notify.digest.subject."+freq, count),
		BodyText: text, BodyHTML: html,
		Headers: c.headers("digest-"+freq, c.cat.T(lang, "notify.digest.list."+freq), unsub),
	}, nil
}

// item turns a store item into a mail item for a reader of lang.
func (c *composer) item(lang string, it store.DigestItem) Item {
	var label string
	switch it.Kind {
	case store.ReasonPMStatus:
		label = c.cat.T(lang, "notify.reason.pm_status", c.cat.T(lang, "notify.pm_status."+it.Detail))
	case store.ReasonAccepted, store.ReasonPMAssigned, store.ReasonDuplicate, store.ItemFAQNew, store.ItemFAQUpdated:
		label = c.cat.T(lang, "notify.reason."+it.Kind)
	default: // the others name who wrote
		label = c.cat.T(lang, "notify.reason."+it.Kind, it.Author)
	}
	x := Item{Kind: it.Kind, Label: label, Title: it.Title, FieldName: it.FieldName, Excerpt: Excerpt(it.Body, excerptLen),
		URL: c.site + it.URL, At: it.At, threadID: it.ThreadID, postID: it.PostID}
	var tb, hb bytes.Buffer
	terr := c.text[lang].ExecuteTemplate(&tb, "notify_digest_item.txt", x)
	herr := c.html[lang].ExecuteTemplate(&hb, "notify_item", x)
	if terr != nil || herr != nil {
		// The snippets read string fields only and were rendered once at
		// start-up (newComposer), so this cannot happen; should it, the
		// item still shows with its title and link.
		x.Text = "* " + x.Title + "\n  " + x.URL + "\n"
		x.HTML = htemplate.HTML("<p><a href=\"" + htemplate.HTMLEscapeString(x.URL) + "\">" + htemplate.HTMLEscapeString(x.Title) + "</a></p>") // #nosec G203 -- both values HTML-escaped here
		return x
	}
	x.Text, x.HTML = tb.String(), htemplate.HTML(hb.String()) // #nosec G203 -- output of html/template (contextual escaping)
	return x
}

// encodePhrase writes a display name for a header: quoted when ASCII,
// else as an RFC 2047 encoded word.
func encodePhrase(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			ascii = false
		}
	}
	if ascii {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	return mime.QEncoding.Encode("utf-8", s)
}

// Excerpt is the start of a Markdown text as plain text: markup signs and
// line breaks dropped, cut at a word boundary near n characters.
func Excerpt(md string, n int) string {
	var b strings.Builder
	space := false
	for _, r := range md {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case strings.ContainsRune("*_`#>[]|~", r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	s := b.String()
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if cut >= n {
			s = s[:i]
			break
		}
		cut++
	}
	if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ,.;:") + " …"
}
