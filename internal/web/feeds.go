package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/store"
)

// Feeds: RSS 2.0 and Atom for the newest threads (all fields or one), the
// newest posts of a thread, the official answers of the programme
// management and the FAQ changes. Every feed exists in both formats; the
// file extension picks one.
//
// A feed URL without a token shows what an anonymous reader sees, even
// when the request carries a session cookie: feed URLs get shared and
// cached, and a feed must not change with whoever fetched it last. A
// member's personal token (?token=kff_…, created on /konto/feeds) makes it
// show what that member may read, protected areas included. Hidden,
// deleted and unapproved content never appears: feeds use the reader's
// view (auth.ReaderOf), never a moderator's.

// feedLimit is the number of entries per feed.
const feedLimit = 50

// feedTokenPrefix marks personal feed tokens, so secret scanners and
// people can tell them from API tokens ("kf_").
const feedTokenPrefix = "kff_"

// Feed formats, named by the URL's extension.
const (
	formatAtom = "atom"
	formatRSS  = "rss"
)

// feedRoutes registers RSS/Atom feeds, /metrics and the OpenAPI description.
func (s *Server) feedRoutes(r *gin.Engine, member, admin, api *gin.RouterGroup) {
	// HEAD too: feed validators and some readers probe with it.
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		for _, f := range []string{formatAtom, formatRSS} {
			r.Handle(m, "/feeds/themen."+f, s.serveFeed(s.latestFeed))
			r.Handle(m, "/feeds/pm."+f, s.serveFeed(s.officialFeed))
			r.Handle(m, "/feeds/faq."+f, s.serveFeed(s.faqFeed))
		}
		r.Handle(m, "/feeds/themenfeld/:file", s.serveFeed(s.fieldFeed)) // <slug>.atom, <slug>.rss
		r.Handle(m, "/feeds/t/:file", s.serveFeed(s.threadFeed))         // <id>.atom, <id>.rss
	}
	member.GET("/konto/feeds", s.accountFeeds)
	member.POST("/konto/feeds", s.createFeedToken)
	member.POST("/konto/feeds/widerrufen", s.revokeFeedToken)

	r.GET(metricsPath, s.serveMetrics)  // metrics.go
	api.GET("/openapi.json", s.openAPI) // openapi.go
}

// feed is a feed independent of its format.
type feed struct {
	ID       string // Atom feed ID
	Title    string
	Subtitle string
	Page     string // absolute URL of the HTML page the feed follows
	Self     string // absolute URL of the feed itself
	Lang     string
	Updated  time.Time // newest entry; zero when empty
	Entries  []feedEntry
}

// feedEntry is one entry. HTML is sanitised HTML from the store; the XML
// encoder escapes it, and Atom marks it type="html".
type feedEntry struct {
	ID        string // stable and unique: an absolute URL, with a version fragment where versions are entries
	Title     string
	Link      string
	Author    string
	Category  string // the topic field's name
	HTML      string
	Published time.Time
	Updated   time.Time
}

// feedRequest is what a feed builder needs to know about the request.
type feedRequest struct {
	viewer   store.Viewer
	userID   int64  // the token's owner; 0 for the public feed
	lang     string // the feed's language
	name     string // the file name without extension: a field slug or thread ID
	format   string
	base     string // the base URL
	selfPath string // the request path (without the token)
}

func (fr feedRequest) abs(p string) string { return fr.base + p }

// serveFeed answers a feed request: it resolves the reader, builds the
// feed, encodes it, and answers 304 when the client has it already.
func (s *Server) serveFeed(build func(context.Context, feedRequest) (feed, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		name, format, ok := strings.Cut(path.Base(c.Request.URL.Path), ".")
		if !ok || (format != formatAtom && format != formatRSS) || name == "" {
			s.failStatus(c, http.StatusNotFound, "error.not_found")
			return
		}
		ctx := c.Request.Context()
		fr := feedRequest{lang: s.opt.DefaultLanguage, name: name, format: format, base: s.opt.BaseURL, selfPath: c.Request.URL.Path}
		if tok, personal := c.GetQuery("token"); personal {
			u, err := s.db.UserByFeedToken(ctx, auth.HashToken(tok))
			if err != nil {
				// A revoked or mistyped token answers like a missing feed.
				s.fail(c, err)
				return
			}
			fr.viewer, fr.userID = auth.ReaderOf(&u), u.ID
			if s.cat.Has(u.Language) {
				fr.lang = u.Language
			}
		}
		f, err := build(ctx, fr)
		if err != nil {
			s.fail(c, err)
			return
		}
		f.Lang = fr.lang
		f.Self = fr.abs(fr.selfPath)
		if fr.userID != 0 {
			f.Self += "?token=" + url.QueryEscape(c.Query("token"))
			f.ID += "#mitglied-" + strconv.FormatInt(fr.userID, 10)
		}
		for _, e := range f.Entries {
			if e.Updated.After(f.Updated) {
				f.Updated = e.Updated
			}
		}
		var body []byte
		contentType := "application/atom+xml; charset=utf-8"
		if format == formatRSS {
			body, err = encodeRSS(f)
			contentType = "application/rss+xml; charset=utf-8"
		} else {
			body, err = encodeAtom(f)
		}
		if err != nil {
			s.fail(c, fmt.Errorf("encode feed %s: %w", c.FullPath(), err))
			return
		}
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		h := c.Writer.Header()
		h.Set("ETag", etag)
		if !f.Updated.IsZero() {
			h.Set("Last-Modified", f.Updated.UTC().Format(http.TimeFormat))
		}
		if fr.userID != 0 {
			// Personal: no shared cache may keep it, no search engine index it.
			h.Set("Cache-Control", "private, no-cache")
			h.Set("X-Robots-Tag", "noindex")
		} else {
			h.Set("Cache-Control", "public, max-age=60")
		}
		if notModified(c.Request, etag, f.Updated) {
			c.Status(http.StatusNotModified)
			return
		}
		c.Data(http.StatusOK, contentType, body)
	}
}

// notModified applies RFC 9110's conditional GET: If-None-Match decides
// when present, else If-Modified-Since (whole seconds, as HTTP dates have).
func notModified(r *http.Request, etag string, updated time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for t := range strings.SplitSeq(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !updated.IsZero() && !updated.Truncate(time.Second).After(ims)
}

// latestFeed is /feeds/themen.{atom,rss}: the newest threads of all active fields.
func (s *Server) latestFeed(ctx context.Context, fr feedRequest) (feed, error) {
	items, err := s.db.FeedThreads(ctx, fr.viewer, 0, feedLimit)
	if err != nil {
		return feed{}, err
	}
	return feed{
		ID: fr.abs(fr.selfPath), Page: fr.abs("/"),
		Title:    s.cat.T(fr.lang, "feeds.title.threads"),
		Subtitle: s.cat.T(fr.lang, "feeds.subtitle.threads"),
		Entries:  threadEntries(fr, items),
	}, nil
}

// fieldFeed is /feeds/themenfeld/<slug>.{atom,rss}: the newest threads of
// one field. A protected field has no public feed: 404, as for its page.
func (s *Server) fieldFeed(ctx context.Context, fr feedRequest) (feed, error) {
	f, err := s.db.TopicFieldFor(ctx, fr.viewer, fr.name)
	if err != nil {
		return feed{}, err
	}
	items, err := s.db.FeedThreads(ctx, fr.viewer, f.ID, feedLimit)
	if err != nil {
		return feed{}, err
	}
	return feed{
		ID: fr.abs(fr.selfPath), Page: fr.abs("/themenfeld/" + url.PathEscape(f.Slug)),
		Title:    s.cat.T(fr.lang, "feeds.title.field", f.Name),
		Subtitle: f.Description,
		Entries:  threadEntries(fr, items),
	}, nil
}

func threadEntries(fr feedRequest, items []store.FeedItem) []feedEntry {
	es := make([]feedEntry, len(items))
	for i, it := range items {
		t := store.Thread{ID: it.ThreadID, Slug: it.ThreadSlug}
		es[i] = feedEntry{
			ID: fr.abs(fmt.Sprintf("/t/%d", it.ThreadID)), Link: fr.abs(t.URL()), Title: it.Title,
			Author: it.AuthorName, Category: it.FieldName, HTML: it.BodyHTML, Published: it.Published, Updated: it.Updated,
		}
	}
	return es
}

// threadFeed is /feeds/t/<id>.{atom,rss}: the newest posts of a thread.
func (s *Server) threadFeed(ctx context.Context, fr feedRequest) (feed, error) {
	id, err := strconv.ParseInt(fr.name, 10, 64)
	if err != nil || id <= 0 {
		return feed{}, store.ErrNotFound
	}
	t, err := s.db.ThreadFor(ctx, fr.viewer, id)
	if err != nil {
		return feed{}, err
	}
	items, err := s.db.FeedPosts(ctx, t, feedLimit)
	if err != nil {
		return feed{}, err
	}
	es := make([]feedEntry, len(items))
	for i, it := range items {
		p := fmt.Sprintf("/beitrag/%d", it.PostID)
		es[i] = feedEntry{
			ID: fr.abs(p), Link: fr.abs(p), Title: s.cat.T(fr.lang, "feeds.item.post", it.PostNumber, it.Title),
			Author: it.AuthorName, Category: it.FieldName, HTML: it.BodyHTML, Published: it.Published, Updated: it.Updated,
		}
	}
	return feed{
		ID: fr.abs(fr.selfPath), Page: fr.abs(t.URL()),
		Title:    s.cat.T(fr.lang, "feeds.title.thread", t.Title),
		Subtitle: t.FieldName,
		Entries:  es,
	}, nil
}

// officialFeed is /feeds/pm.{atom,rss}: every version of the official
// answers, newest first.
func (s *Server) officialFeed(ctx context.Context, fr feedRequest) (feed, error) {
	items, err := s.db.FeedOfficialAnswers(ctx, fr.viewer, feedLimit)
	if err != nil {
		return feed{}, err
	}
	es := make([]feedEntry, len(items))
	for i, it := range items {
		title := s.cat.T(fr.lang, "feeds.item.official", it.Title)
		if it.Version > 1 {
			title = s.cat.T(fr.lang, "feeds.item.official_version", it.Version, it.Title)
		}
		es[i] = feedEntry{
			ID:    fr.abs(fmt.Sprintf("/beitrag/%d/amtliche-versionen#v%d", it.PostID, it.Version)),
			Link:  fr.abs(fmt.Sprintf("/beitrag/%d", it.PostID)),
			Title: title, Author: it.AuthorName, Category: it.FieldName, HTML: it.BodyHTML,
			Published: it.Published, Updated: it.Updated,
		}
	}
	return feed{
		ID: fr.abs(fr.selfPath), Page: fr.abs("/pm"),
		Title:    s.cat.T(fr.lang, "feeds.title.pm"),
		Subtitle: s.cat.T(fr.lang, "feeds.subtitle.pm"),
		Entries:  es,
	}, nil
}

// faqFeed is /feeds/faq.{atom,rss}: published FAQ entries, the most
// recently changed first; each version is its own entry.
func (s *Server) faqFeed(ctx context.Context, fr feedRequest) (feed, error) {
	items, err := s.db.FeedFAQChanges(ctx, fr.viewer, feedLimit)
	if err != nil {
		return feed{}, err
	}
	es := make([]feedEntry, len(items))
	for i, it := range items {
		p := fmt.Sprintf("/faq/%d", it.FAQID)
		es[i] = feedEntry{
			ID: fr.abs(fmt.Sprintf("%s#v%d", p, it.Version)), Link: fr.abs(p), Title: it.Title,
			Author: it.AuthorName, Category: it.FieldName, HTML: it.BodyHTML, Published: it.Published, Updated: it.Updated,
		}
	}
	return feed{
		ID: fr.abs(fr.selfPath), Page: fr.abs("/faq"),
		Title:    s.cat.T(fr.lang, "feeds.title.faq"),
		Subtitle: s.cat.T(fr.lang, "feeds.subtitle.faq"),
		Entries:  es,
	}, nil
}

// Atom (RFC 4287). encoding/xml escapes text and attributes, so the
// sanitised HTML travels as escaped text inside type="html" content.

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	ID       string      `xml:"id"`
	Title    atomText    `xml:"title"`
	Subtitle *atomText   `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Updated   string        `xml:"updated"`
	Published string        `xml:"published,omitempty"`
	Links     []atomLink    `xml:"link"`
	Author    atomPerson    `xml:"author"`
	Category  *atomCategory `xml:"category,omitempty"`
	Content   atomText      `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// feedEpoch stands in for the update time of an empty feed, which Atom
// requires but which has none; a fixed value keeps the ETag stable.
var feedEpoch = time.Unix(0, 0).UTC()

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// rfc822 is RSS 2.0's date format (RFC 822 with a four-digit year, as RFC 1123).
func rfc822(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

func encodeAtom(f feed) ([]byte, error) {
	updated := f.Updated
	if updated.IsZero() {
		updated = feedEpoch
	}
	a := atomFeed{
		Lang: f.Lang, ID: f.ID, Title: atomText{Type: "text", Body: f.Title}, Updated: rfc3339(updated),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: f.Self},
			{Rel: "alternate", Type: "text/html", Href: f.Page},
		},
		Author: atomPerson{Name: "Kommunalforum"},
	}
	if f.Subtitle != "" {
		a.Subtitle = &atomText{Type: "text", Body: f.Subtitle}
	}
	for _, e := range f.Entries {
		ae := atomEntry{
			ID: e.ID, Title: atomText{Type: "text", Body: e.Title}, Updated: rfc3339(e.Updated),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: e.Link}},
			Author:  atomPerson{Name: e.Author},
			Content: atomText{Type: "html", Body: e.HTML},
		}
		if !e.Published.IsZero() {
			ae.Published = rfc3339(e.Published)
		}
		if e.Category != "" {
			ae.Category = &atomCategory{Term: e.Category}
		}
		a.Entries = append(a.Entries, ae)
	}
	return marshalXML(a)
}

// RSS 2.0 (https://www.rssboard.org/rss-specification), with atom:link
// rel="self" as the RSS Advisory Board recommends.

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	Description string  `xml:"description"`
	Creator     string  `xml:"dc:creator,omitempty"`
	Category    string  `xml:"category,omitempty"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

func encodeRSS(f feed) ([]byte, error) {
	desc := f.Subtitle
	if desc == "" {
		desc = f.Title // RSS requires a description
	}
	ch := rssChannel{
		Title: f.Title, Link: f.Page, Description: desc, Language: f.Lang,
		Self: atomLink{Rel: "self", Type: "application/rss+xml", Href: f.Self},
	}
	if !f.Updated.IsZero() {
		ch.LastBuildDate = rfc822(f.Updated)
	}
	for _, e := range f.Entries {
		// The entry ID carries a version fragment for versioned entries,
		// so it is a GUID, not the item's permalink.
		ch.Items = append(ch.Items, rssItem{
			Title: e.Title, Link: e.Link, Description: e.HTML, Creator: e.Author, Category: e.Category,
			GUID: rssGUID{IsPermaLink: "false", Value: e.ID}, PubDate: rfc822(e.Published),
		})
	}
	return marshalXML(rssDocument{Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom",
		DCNS: "http://purl.org/dc/elements/1.1/", Channel: ch})
}

// rssDocument is the RSS root. It declares the Atom namespace for
// atom:link and Dublin Core for dc:creator (RSS's own author element wants
// an email address, which we never publish).
type rssDocument struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	DCNS    string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// FeedLink is a feed the layout announces in the page head
// (<link rel="alternate" type="application/atom+xml">).
type FeedLink struct {
	TitleKey string // catalogue key of the link's title
	URL      string
}

// FeedLinks lists the Atom feeds of the page, derived from its path: the
// home page, a topic field, a thread, the PM area and the FAQ overview have
// one. Error pages and forms (NoIndex) have none. The feeds are the public
// ones, so field and thread pages announce theirs only to readers who see
// nothing but open fields (anonymous visitors, members without a group):
// for them the page being visible means its public feed exists, whereas
// for administrators and group members it may be a protected area, whose
// feed is personal (/konto/feeds).
func (b Base) FeedLinks() []FeedLink {
	if b.NoIndex {
		return nil
	}
	u, err := url.Parse(b.Path)
	if err != nil {
		return nil
	}
	switch u.Path {
	case "/":
		return []FeedLink{{TitleKey: "feeds.link.threads", URL: "/feeds/themen.atom"}}
	case "/pm":
		return []FeedLink{{TitleKey: "feeds.link.pm", URL: "/feeds/pm.atom"}}
	case "/faq":
		return []FeedLink{{TitleKey: "feeds.link.faq", URL: "/feeds/faq.atom"}}
	}
	if b.User != nil && (b.User.IsAdmin() || len(b.User.Groups) > 0) {
		return nil
	}
	kind, rest, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if rest == "" || strings.Contains(rest, "/") {
		return nil
	}
	switch kind {
	case "themenfeld":
		return []FeedLink{{TitleKey: "feeds.link.field", URL: "/feeds/themenfeld/" + url.PathEscape(rest) + ".atom"}}
	case "t":
		id, _, _ := strings.Cut(rest, "-")
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			return []FeedLink{{TitleKey: "feeds.link.thread", URL: "/feeds/t/" + id + ".atom"}}
		}
	}
	return nil
}

// Personal feed tokens on /konto/feeds.

// accountFeedsPage is the member's page for the personal feed token.
type accountFeedsPage struct {
	Base
	HasToken bool
	Token    store.FeedToken
	// NewToken is a token just created, shown this once with the
	// personal feed URLs (only its hash is stored).
	NewToken string
	Feeds    []personalFeed
}

// personalFeed is one personal feed URL on the page.
type personalFeed struct {
	TitleKey string // catalogue key; takes Name when set
	Name     string // a topic field's name
	URL      string
}

func (s *Server) newAccountFeedsPage(c *gin.Context) (accountFeedsPage, error) {
	b := s.accountBase(c, "feeds.account.title")
	b.Breadcrumbs = []Crumb{{Label: s.t(c, "account.settings.title"), URL: "/konto"}, {Label: b.Title}}
	p := accountFeedsPage{Base: b}
	tok, err := s.db.FeedTokenOf(c.Request.Context(), viewer(c).ID)
	switch {
	case err == nil:
		p.HasToken, p.Token = true, tok
	case !errors.Is(err, store.ErrNotFound):
		return p, err
	}
	return p, nil
}

// accountFeeds serves GET /konto/feeds.
func (s *Server) accountFeeds(c *gin.Context) {
	p, err := s.newAccountFeedsPage(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "account_feeds", p)
}

// createFeedToken serves POST /konto/feeds: a new token replaces the old
// one, and the page lists the personal feed URLs with it, this once.
func (s *Server) createFeedToken(c *gin.Context) {
	ctx := c.Request.Context()
	u := viewer(c)
	plain, _, err := auth.NewToken()
	if err != nil {
		s.fail(c, err)
		return
	}
	plain = feedTokenPrefix + plain
	if err := s.db.SetFeedToken(ctx, u.ID, auth.HashToken(plain)); err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.newAccountFeedsPage(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.NewToken = plain
	q := "?token=" + url.QueryEscape(plain)
	p.Feeds = []personalFeed{
		{TitleKey: "feeds.account.feed_threads", URL: s.opt.BaseURL + "/feeds/themen.atom" + q},
		{TitleKey: "feeds.account.feed_pm", URL: s.opt.BaseURL + "/feeds/pm.atom" + q},
		{TitleKey: "feeds.account.feed_faq", URL: s.opt.BaseURL + "/feeds/faq.atom" + q},
	}
	// The protected areas the member reads have no public feed; list them.
	fields, err := s.db.TopicFields(ctx, auth.ReaderOf(u), false)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, f := range fields {
		if f.Restricted() {
			p.Feeds = append(p.Feeds, personalFeed{TitleKey: "feeds.account.feed_field", Name: f.Name,
				URL: s.opt.BaseURL + "/feeds/themenfeld/" + url.PathEscape(f.Slug) + ".atom" + q})
		}
	}
	c.Header("Cache-Control", "private, no-store") // the token is on this page, once
	s.render(c, http.StatusOK, "account_feeds", p)
}

// revokeFeedToken serves POST /konto/feeds/widerrufen. Revoking when there
// is no token is no error: the outcome the member wants holds.
func (s *Server) revokeFeedToken(c *gin.Context) {
	err := s.db.DeleteFeedToken(c.Request.Context(), viewer(c).ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(c, err)
		return
	}
	s.setFlash(c, "flash.feed_token_revoked")
	c.Redirect(http.StatusSeeOther, "/konto/feeds")
}
