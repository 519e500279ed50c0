package web

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

// feedEnv holds content of every visibility: an open thread with a
// visible, a hidden and a deleted reply, a thread in a protected area, a
// hidden and a pending thread, official answers and FAQ entries in open
// and protected fields, and a draft FAQ entry.
type feedEnv struct {
	*testEnv
	admin, member, insider, pm *store.User

	open, protected, hidden, pending store.Thread
	reply, hiddenReply, deletedReply int64
	openOfficial, protOfficial       int64
}

// Texts that must appear or never appear in feeds.
const (
	openTitle       = `Kita & "Anträge" <digital>`
	protectedTitle  = "Gremiumsthema Haushaltsplanung intern"
	hiddenTitle     = "Verstecktes Thema mit Werbung"
	pendingTitle    = "Wartendes Thema eines Neulings"
	hiddenReplyText = "Ausgeblendete Telefonnummer 0123"
	deletedText     = "Gelöschter Beitragstext"
	openFAQ         = "Wie beantrage ich Elterngeld digital?"
	draftFAQ        = "Entwurf einer Frage zur Kita"
	protectedFAQ    = "Interne Frage des Gremiums"
	protOfficialTxt = "Interne amtliche Antwort zum Haushalt"
)

func newFeedEnv(t *testing.T) *feedEnv {
	t.Helper()
	e := &feedEnv{testEnv: newTestEnv(t)}
	ctx := context.Background()
	e.admin = e.user("admin@kreis-musterland.de", "admin")
	e.member = e.user("mitglied@kreis-musterland.de", "member")
	e.insider = e.user("gremium@kreis-musterland.de", "member")
	e.pm = e.user("pm@bund.example.de", "pm")
	g, err := e.db.CreateGroup(ctx, e.admin.ID, "gremium", "Kommunalgremium intern")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*store.User{e.insider, e.pm} {
		if _, err := e.db.AddGroupMember(ctx, e.admin.ID, g.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		u.Groups = []int64{g.ID}
	}
	umwelt, err := e.db.TopicFieldBySlug(ctx, "umwelt")
	if err != nil {
		t.Fatal(err)
	}
	familie, err := e.db.TopicFieldBySlug(ctx, "familie-kind")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetTopicFieldGroup(ctx, e.admin.ID, umwelt.ID, g.ID); err != nil {
		t.Fatal(err)
	}

	e.open = e.thread(e.member, "familie-kind", openTitle, "Wir suchen **fett** Erfahrungen.\n\n<script>alert(1)</script>")
	e.reply = e.addPost(e.open.ID, e.admin, "Sichtbare Antwort mit *Betonung*.")
	e.hiddenReply = e.addPost(e.open.ID, e.member, hiddenReplyText)
	if err := e.db.HidePost(ctx, e.admin.ID, e.hiddenReply, "Personenbezogene Daten"); err != nil {
		t.Fatal(err)
	}
	e.deletedReply = e.addPost(e.open.ID, e.member, deletedText)
	if err := e.db.DeletePost(ctx, e.deletedReply, e.member.ID); err != nil {
		t.Fatal(err)
	}
	e.protected = e.thread(e.insider, "umwelt", protectedTitle, "Nur für das Gremium.")
	e.hidden = e.thread(e.member, "familie-kind", hiddenTitle, "Kaufen Sie jetzt!")
	if err := e.db.ModerateThread(ctx, e.admin.ID, e.hidden.ID, store.ThreadHide, "Werbung"); err != nil {
		t.Fatal(err)
	}
	pendingID, _, err := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: familie.ID, AuthorID: e.member.ID,
		Title: pendingTitle, Slug: "wartend", Body: "Bitte freigeben.", BodyHTML: "<p>Bitte freigeben.</p>", Pending: true})
	if err != nil {
		t.Fatal(err)
	}
	e.pending = store.Thread{ID: pendingID}

	// Official answers: one in an open field, one in the protected area.
	pmq, _, err := e.srv.forum.CreateThread(ctx, e.member, "familie-kind", store.KindPM, "Wer trägt die Betriebskosten?", "Bitte um Auskunft.")
	if err != nil {
		t.Fatal(err)
	}
	e.openOfficial = e.addPost(pmq.ID, e.pm, "Das Land trägt die Kosten.")
	if _, err := e.srv.pm.MarkOfficial(ctx, e.pm, e.openOfficial, ""); err != nil {
		t.Fatal(err)
	}
	protq, _, err := e.srv.forum.CreateThread(ctx, e.insider, "umwelt", store.KindPM, "Haushaltsmittel des Gremiums?", "Wie viel?")
	if err != nil {
		t.Fatal(err)
	}
	e.protOfficial = e.addPost(protq.ID, e.pm, protOfficialTxt)
	if _, err := e.srv.pm.MarkOfficial(ctx, e.pm, e.protOfficial, ""); err != nil {
		t.Fatal(err)
	}

	for _, f := range []struct {
		field   int64
		q       string
		publish bool
	}{{familie.ID, openFAQ, true}, {familie.ID, draftFAQ, false}, {umwelt.ID, protectedFAQ, true}} {
		if _, err := e.db.CreateFAQEntry(ctx, store.NewFAQEntry{TopicFieldID: f.field, OwnerID: e.admin.ID, Question: f.q,
			Answer: "Antwort", AnswerHTML: "<p>Antwort &amp; mehr</p>", Publish: f.publish}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// addPost adds a published reply through the forum (Markdown rendered and sanitised).
func (e *feedEnv) addPost(threadID int64, u *store.User, body string) int64 {
	e.t.Helper()
	id, err := e.srv.forum.Reply(context.Background(), u, threadID, body)
	if err != nil {
		e.t.Fatalf("Reply: %v", err)
	}
	return id
}

// feedToken creates a personal feed token for u through the account page
// and returns it, as a member would copy it.
func (e *feedEnv) feedToken(u *store.User) string {
	e.t.Helper()
	w := e.post("/konto/feeds", url.Values{}, e.session(u))
	wantStatus(e.t, w, http.StatusOK, "POST /konto/feeds")
	m := regexp.MustCompile(`token=(kff_[A-Za-z0-9_%-]+)`).FindStringSubmatch(w.Body.String())
	if m == nil {
		e.t.Fatalf("POST /konto/feeds: no personal feed URL on the page")
	}
	tok, err := url.QueryUnescape(m[1])
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// The parsed feeds: just the elements the specifications require, with
// their namespaces, so a missing or misplaced element shows as empty.

type atomDoc struct {
	XMLName xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string     `xml:"http://www.w3.org/2005/Atom id"`
	Title   string     `xml:"http://www.w3.org/2005/Atom title"`
	Updated string     `xml:"http://www.w3.org/2005/Atom updated"`
	Links   []atomLink `xml:"http://www.w3.org/2005/Atom link"`
	Author  struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Entries []struct {
		ID        string     `xml:"http://www.w3.org/2005/Atom id"`
		Title     string     `xml:"http://www.w3.org/2005/Atom title"`
		Updated   string     `xml:"http://www.w3.org/2005/Atom updated"`
		Published string     `xml:"http://www.w3.org/2005/Atom published"`
		Links     []atomLink `xml:"http://www.w3.org/2005/Atom link"`
		Author    struct {
			Name string `xml:"http://www.w3.org/2005/Atom name"`
		} `xml:"http://www.w3.org/2005/Atom author"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"http://www.w3.org/2005/Atom content"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

type rssParsed struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title string `xml:"title"`
		// RSS's link and atom:link share the local name.
		Links []struct {
			XMLName xml.Name
			Rel     string `xml:"rel,attr"`
			Href    string `xml:"href,attr"`
			Value   string `xml:",chardata"`
		} `xml:"link"`
		Description string `xml:"description"`
		Items       []struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			Description string `xml:"description"`
			GUID        string `xml:"guid"`
			PubDate     string `xml:"pubDate"`
		} `xml:"item"`
	} `xml:"channel"`
}

// parsedEntry is what the tests compare across both formats.
type parsedEntry struct{ Title, HTML, Link string }

// absolute fails unless u is an absolute URL on the test base URL.
func absolute(t *testing.T, what, u string) {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil || !p.IsAbs() || !strings.HasPrefix(u, testBaseURL+"/") {
		t.Errorf("%s = %q, want an absolute URL under %s", what, u, testBaseURL)
	}
}

// parseAtom checks an Atom document against RFC 4287's required elements
// and returns its entries.
func parseAtom(t *testing.T, body []byte) []parsedEntry {
	t.Helper()
	var f atomDoc
	if err := xml.Unmarshal(body, &f); err != nil {
		t.Fatalf("Atom does not parse: %v\n%s", err, body)
	}
	absolute(t, "feed id", f.ID)
	if f.Title == "" || f.Author.Name == "" {
		t.Errorf("feed title %q, author %q: both required", f.Title, f.Author.Name)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("feed updated %q is not RFC 3339", f.Updated)
	}
	rels := map[string]string{}
	for _, l := range f.Links {
		rels[l.Rel] = l.Href
		absolute(t, "feed link "+l.Rel, l.Href)
	}
	if rels["self"] == "" || rels["alternate"] == "" {
		t.Errorf("feed links %v: want self and alternate", rels)
	}
	ids := map[string]bool{}
	var out []parsedEntry
	for _, en := range f.Entries {
		absolute(t, "entry id", en.ID)
		if ids[en.ID] {
			t.Errorf("entry id %q twice", en.ID)
		}
		ids[en.ID] = true
		if en.Title == "" || en.Author.Name == "" {
			t.Errorf("entry %s: title %q, author %q: both required", en.ID, en.Title, en.Author.Name)
		}
		for _, d := range []string{en.Updated, en.Published} {
			if _, err := time.Parse(time.RFC3339, d); err != nil {
				t.Errorf("entry %s: date %q is not RFC 3339", en.ID, d)
			}
		}
		if en.Content.Type != "html" {
			t.Errorf("entry %s: content type %q, want html", en.ID, en.Content.Type)
		}
		if len(en.Links) != 1 || en.Links[0].Rel != "alternate" {
			t.Errorf("entry %s: links %v, want one alternate", en.ID, en.Links)
		} else {
			absolute(t, "entry link", en.Links[0].Href)
		}
		out = append(out, parsedEntry{Title: en.Title, HTML: en.Content.Body, Link: en.Links[0].Href})
	}
	return out
}

// parseRSS checks an RSS 2.0 document's required elements and returns its items.
func parseRSS(t *testing.T, body []byte) []parsedEntry {
	t.Helper()
	var f rssParsed
	if err := xml.Unmarshal(body, &f); err != nil {
		t.Fatalf("RSS does not parse: %v\n%s", err, body)
	}
	if f.Version != "2.0" {
		t.Errorf("rss version %q, want 2.0", f.Version)
	}
	ch := f.Channel
	if ch.Title == "" || ch.Description == "" {
		t.Errorf("channel title %q, description %q: both required", ch.Title, ch.Description)
	}
	var link, self string
	for _, l := range ch.Links {
		switch {
		case l.XMLName.Space == "":
			link = l.Value
		case l.XMLName.Space == "http://www.w3.org/2005/Atom" && l.Rel == "self":
			self = l.Href
		}
	}
	absolute(t, "channel link", link)
	absolute(t, "channel atom:link rel=self", self)
	guids := map[string]bool{}
	var out []parsedEntry
	for _, it := range ch.Items {
		if it.GUID == "" || guids[it.GUID] {
			t.Errorf("item guid %q empty or repeated", it.GUID)
		}
		guids[it.GUID] = true
		absolute(t, "item link", it.Link)
		if it.Title == "" {
			t.Errorf("item %s has no title", it.GUID)
		}
		// RFC 822 date-time with a four-digit year, as RSS 2.0 asks.
		if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
			t.Errorf("item %s: pubDate %q is not RFC 822", it.GUID, it.PubDate)
		}
		out = append(out, parsedEntry{Title: it.Title, HTML: it.Description, Link: it.Link})
	}
	return out
}

// TestFeeds is the feed table: every feed in both formats, anonymous and
// personal, with what must and must not be in it.
func TestFeeds(t *testing.T) {
	e := newFeedEnv(t)
	insiderTok, memberTok := e.feedToken(e.insider), e.feedToken(e.member)
	tid := func(th store.Thread) string { return itoa(th.ID) }
	never := []string{hiddenTitle, pendingTitle, hiddenReplyText, deletedText, draftFAQ, "<script"}
	tests := []struct {
		name   string
		path   string // without extension
		token  string
		status int
		want   []string // titles or HTML fragments that must appear
		absent []string // that must not appear (never is added)
	}{
		{"latest threads, anonymous", "/feeds/themen", "", 200, []string{openTitle, "<strong>fett</strong>"}, []string{protectedTitle}},
		{"latest threads, group member", "/feeds/themen", insiderTok, 200, []string{openTitle, protectedTitle}, nil},
		{"latest threads, member without group", "/feeds/themen", memberTok, 200, []string{openTitle}, []string{protectedTitle}},
		{"open field", "/feeds/themenfeld/familie-kind", "", 200, []string{openTitle}, []string{protectedTitle}},
		{"protected field has no public feed", "/feeds/themenfeld/umwelt", "", 404, nil, nil},
		{"protected field, group member", "/feeds/themenfeld/umwelt", insiderTok, 200, []string{protectedTitle}, []string{openTitle}},
		{"protected field, member without group", "/feeds/themenfeld/umwelt", memberTok, 404, nil, nil},
		{"unknown field", "/feeds/themenfeld/gibt-es-nicht", "", 404, nil, nil},
		{"thread posts", "/feeds/t/" + tid(e.open), "", 200, []string{"Beitrag 1 zu", "Beitrag 2 zu", "<em>Betonung</em>"}, nil},
		{"thread in protected field", "/feeds/t/" + tid(e.protected), "", 404, nil, nil},
		{"thread in protected field, group member", "/feeds/t/" + tid(e.protected), insiderTok, 200, []string{"Nur für das Gremium."}, nil},
		{"hidden thread", "/feeds/t/" + tid(e.hidden), "", 404, nil, nil},
		{"hidden thread, even with a token", "/feeds/t/" + tid(e.hidden), insiderTok, 404, nil, nil},
		{"pending thread", "/feeds/t/" + tid(e.pending), memberTok, 404, nil, nil},
		{"thread ID not a number", "/feeds/t/abc", "", 404, nil, nil},
		{"official answers", "/feeds/pm", "", 200, []string{"Amtliche Antwort: Wer trägt die Betriebskosten?", "Das Land trägt die Kosten."},
			[]string{protOfficialTxt}},
		{"official answers, group member", "/feeds/pm", insiderTok, 200, []string{"Das Land trägt die Kosten.", protOfficialTxt}, nil},
		{"FAQ changes", "/feeds/faq", "", 200, []string{openFAQ, "Antwort &amp; mehr"}, []string{protectedFAQ}},
		{"FAQ changes, group member", "/feeds/faq", insiderTok, 200, []string{openFAQ, protectedFAQ}, nil},
		{"unknown token", "/feeds/themen", "kff_falsch", 404, nil, nil},
		{"empty token", "/feeds/themen", " ", 404, nil, nil},
	}
	for _, tt := range tests {
		for _, format := range []string{"atom", "rss"} {
			t.Run(tt.name+"/"+format, func(t *testing.T) {
				p := tt.path + "." + format
				if tt.token != "" {
					p += "?token=" + url.QueryEscape(tt.token)
				}
				w := e.get(p, nil)
				if w.Code != tt.status {
					t.Fatalf("GET %s = %d, want %d", p, w.Code, tt.status)
				}
				if tt.status != 200 {
					return
				}
				wantType := "application/atom+xml; charset=utf-8"
				parse := parseAtom
				if format == "rss" {
					wantType, parse = "application/rss+xml; charset=utf-8", parseRSS
				}
				if ct := w.Header().Get("Content-Type"); ct != wantType {
					t.Errorf("Content-Type = %q, want %q", ct, wantType)
				}
				entries := parse(t, w.Body.Bytes())
				var all strings.Builder
				for _, en := range entries {
					all.WriteString(en.Title + "\n" + en.HTML + "\n")
				}
				text := all.String()
				for _, s := range tt.want {
					if !strings.Contains(text, s) {
						t.Errorf("GET %s lacks %q in its entries:\n%s", p, s, text)
					}
				}
				for _, s := range append(tt.absent, never...) {
					if strings.Contains(text, s) || strings.Contains(w.Body.String(), s) {
						t.Errorf("GET %s shows %q", p, s)
					}
				}
			})
		}
	}
}

// TestFeedEscaping checks that titles and HTML survive the XML round trip
// exactly: the parsed text equals the stored value.
func TestFeedEscaping(t *testing.T) {
	e := newFeedEnv(t)
	for _, format := range []string{"atom", "rss"} {
		w := e.get("/feeds/themenfeld/familie-kind."+format, nil)
		wantStatus(t, w, http.StatusOK, format)
		parse := parseAtom
		if format == "rss" {
			parse = parseRSS
		}
		var found bool
		for _, en := range parse(t, w.Body.Bytes()) {
			if en.Title != openTitle {
				continue
			}
			found = true
			posts, _, err := e.db.Posts(context.Background(), e.open.ID, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			if en.HTML != posts[0].BodyHTML {
				t.Errorf("%s: entry HTML = %q, want the stored body_html %q", format, en.HTML, posts[0].BodyHTML)
			}
			if want := testBaseURL + e.open.URL(); en.Link != want {
				t.Errorf("%s: entry link = %q, want %q", format, en.Link, want)
			}
		}
		if !found {
			t.Errorf("%s: no entry titled %q", format, openTitle)
		}
		if raw := w.Body.String(); strings.Contains(raw, "<strong>") || !strings.Contains(raw, "&lt;strong&gt;") {
			t.Errorf("%s: the HTML body is not escaped as text", format)
		}
	}
}

// TestFeedConditionalGet checks ETag, Last-Modified and 304.
func TestFeedConditionalGet(t *testing.T) {
	e := newFeedEnv(t)
	path := "/feeds/t/" + itoa(e.open.ID) + ".atom"
	w := e.get(path, nil)
	wantStatus(t, w, http.StatusOK, "first GET")
	etag, lastMod := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
	if etag == "" || lastMod == "" {
		t.Fatalf("ETag %q, Last-Modified %q: want both", etag, lastMod)
	}
	if _, err := http.ParseTime(lastMod); err != nil {
		t.Errorf("Last-Modified %q: %v", lastMod, err)
	}
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"same ETag", map[string]string{"If-None-Match": etag}, http.StatusNotModified},
		{"ETag in a list, weak", map[string]string{"If-None-Match": `"x", W/` + etag}, http.StatusNotModified},
		{"other ETag", map[string]string{"If-None-Match": `"anders"`}, http.StatusOK},
		{"other ETag wins over a current date", map[string]string{"If-None-Match": `"anders"`, "If-Modified-Since": lastMod}, http.StatusOK},
		{"not modified since", map[string]string{"If-Modified-Since": lastMod}, http.StatusNotModified},
		{"modified since", map[string]string{"If-Modified-Since": "Mon, 02 Jan 2006 15:04:05 GMT"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(req{method: http.MethodGet, path: path, header: tt.header})
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d", w.Code, tt.want)
			}
			if tt.want == http.StatusNotModified && w.Body.Len() != 0 {
				t.Errorf("304 with a body of %d bytes", w.Body.Len())
			}
		})
	}
	// HEAD answers like GET, without the body.
	w = e.do(req{method: http.MethodHead, path: path})
	if w.Code != http.StatusOK || w.Header().Get("ETag") != etag {
		t.Errorf("HEAD = %d with ETag %q, want 200 with %q", w.Code, w.Header().Get("ETag"), etag)
	}

	// A new post changes the feed: the old ETag no longer matches.
	e.addPost(e.open.ID, e.member, "Noch eine Antwort.")
	w = e.do(req{method: http.MethodGet, path: path, header: map[string]string{"If-None-Match": etag}})
	wantStatus(t, w, http.StatusOK, "after a new post")
	if w.Header().Get("ETag") == etag {
		t.Errorf("ETag unchanged after a new post")
	}
}

// TestFeedToken walks the member's token lifecycle: none, create, use,
// renew (the old one stops), revoke (the new one stops).
func TestFeedToken(t *testing.T) {
	e := newFeedEnv(t)
	cookie := e.session(e.insider)
	w := e.get("/konto/feeds", cookie)
	wantStatus(t, w, http.StatusOK, "GET /konto/feeds")
	wantBody(t, w, "GET /konto/feeds", "Sie haben noch keinen persönlichen Feed-Schlüssel.", `action="/konto/feeds"`)
	if w := e.get("/konto/feeds", nil); w.Code != http.StatusSeeOther {
		t.Errorf("anonymous GET /konto/feeds = %d, want 303 to the login", w.Code)
	}
	wantBody(t, e.get("/konto", cookie), "GET /konto", `href="/konto/feeds"`)

	first := e.feedToken(e.insider)
	feed := func(tok string) int {
		return e.get("/feeds/themenfeld/umwelt.atom?token="+url.QueryEscape(tok), nil).Code
	}
	if got := feed(first); got != http.StatusOK {
		t.Fatalf("personal feed = %d, want 200", got)
	}
	w = e.get("/konto/feeds", cookie)
	wantBody(t, w, "GET /konto/feeds with a token", "Zuletzt verwendet", "Schlüssel widerrufen")
	if strings.Contains(w.Body.String(), first) {
		t.Errorf("the token shows again after creation")
	}

	second := e.feedToken(e.insider)
	if first == second || !strings.HasPrefix(second, feedTokenPrefix) {
		t.Fatalf("tokens %q, %q: want two different kff_ tokens", first, second)
	}
	if got := feed(first); got != http.StatusNotFound {
		t.Errorf("replaced token = %d, want 404", got)
	}
	if got := feed(second); got != http.StatusOK {
		t.Errorf("new token = %d, want 200", got)
	}

	w = e.post("/konto/feeds/widerrufen", url.Values{}, cookie)
	wantStatus(t, w, http.StatusSeeOther, "revoke")
	if got := feed(second); got != http.StatusNotFound {
		t.Errorf("revoked token = %d, want 404", got)
	}
	// Revoking again is harmless.
	wantStatus(t, e.post("/konto/feeds/widerrufen", url.Values{}, cookie), http.StatusSeeOther, "revoke again")

	// A disabled account's token stops working.
	third := e.feedToken(e.insider)
	if err := e.db.SetUserStatus(context.Background(), e.insider.ID, store.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	if got := feed(third); got != http.StatusNotFound {
		t.Errorf("token of a disabled account = %d, want 404", got)
	}
}

// TestFeedAlternateLinks checks the <link rel="alternate"> in the head.
func TestFeedAlternateLinks(t *testing.T) {
	e := newFeedEnv(t)
	tests := []struct {
		name   string
		path   string
		user   *store.User
		want   string // href of the feed; "" for none
		status int
	}{
		{"home", "/", nil, "/feeds/themen.atom", 200},
		{"PM area", "/pm", nil, "/feeds/pm.atom", 200},
		{"FAQ", "/faq", nil, "/feeds/faq.atom", 200},
		{"field", "/themenfeld/familie-kind", nil, "/feeds/themenfeld/familie-kind.atom", 200},
		{"thread", e.open.URL(), nil, "/feeds/t/" + itoa(e.open.ID) + ".atom", 200},
		{"thread, member without group", e.open.URL(), e.member, "/feeds/t/" + itoa(e.open.ID) + ".atom", 200},
		{"thread, group member: maybe protected, no public link", e.protected.URL(), e.insider, "", 200},
		{"error page", "/t/999999", nil, "", 404},
		{"login form", "/anmelden", nil, "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *http.Cookie
			if tt.user != nil {
				c = e.session(tt.user)
			}
			w := e.get(tt.path, c)
			wantStatus(t, w, tt.status, tt.path)
			body := w.Body.String()
			head := body[:max(0, strings.Index(body, "</head>"))]
			has := strings.Contains(head, `rel="alternate" type="application/atom+xml"`)
			switch {
			case tt.want == "" && has:
				t.Errorf("GET %s announces a feed", tt.path)
			case tt.want != "" && !strings.Contains(head, `href="`+tt.want+`"`):
				t.Errorf("GET %s lacks the alternate link to %s", tt.path, tt.want)
			case tt.want != "":
				// The announced feed exists for the same reader.
				if w := e.get(tt.want, nil); w.Code != http.StatusOK {
					t.Errorf("announced feed %s = %d", tt.want, w.Code)
				}
			}
		})
	}
}
