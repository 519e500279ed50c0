package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserFAQPromoteAndPublish walks the FAQ's main path in real
// Chromium: a question has an accepted answer (set up through the API);
// the field's moderator opens the thread, takes the answer into the FAQ,
// checks the prefilled draft and saves it published; the entry then shows
// on the field's FAQ page, in the overview and as a notice on the thread.
// The question comes from the moderator of another field and the answer
// from a pm user: their posts never wait in an approval queue, so the
// setup stays the same whatever that queue's settings are.
func TestBrowserFAQPromoteAndPublish(t *testing.T) {
	base, data := startServer(t)
	addUsers(t, data,
		testUser{"ulla.umwelt@gemeinde-beispielhausen.de", "Ulla Umwelt", "moderator", "umwelt"},
		testUser{"paula.pm@bund.example.de", "Paula PM", "pm", ""},
		testUser{"moritz.moderator@landkreis-musterland.de", "Moritz Moderator", "moderator", "familie-kind"},
	)
	token := func(email string) string { return apiToken(t, data, email) }
	api := func(tok, path, body string, dst any) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("POST %s: status %d", path, resp.StatusCode)
		}
		if dst != nil {
			if err := json.NewDecoder(resp.Body).Decode(dst); err != nil {
				t.Fatalf("POST %s: %v", path, err)
			}
		}
	}
	asker, answerer := token("ulla.umwelt@gemeinde-beispielhausen.de"), token("paula.pm@bund.example.de")
	title := "Welche Software nutzen Sie für die Kita-Platzvergabe?"
	var thread struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
	}
	api(asker, "/api/v1/threads", `{"topic_field": "familie-kind", "kind": "question", "title": "`+title+`", "body": "Wir suchen ein Verfahren."}`, &thread)
	var answer struct {
		ID int64 `json:"id"`
	}
	api(answerer, "/api/v1/threads/"+strconv.FormatInt(thread.ID, 10)+"/posts", `{"body": "Wir nutzen das **Kita-Portal** des Landes, angebunden über FIT-Connect."}`, &answer)
	api(asker, "/api/v1/threads/"+strconv.FormatInt(thread.ID, 10)+"/accept", `{"post_id": `+strconv.FormatInt(answer.ID, 10)+`}`, nil)

	b := newBrowser(t)
	logIn(t, b, base, "moritz.moderator@landkreis-musterland.de", testPassword)
	promote := `form[action="/beitrag/` + strconv.FormatInt(answer.ID, 10) + `/in-faq"] button`
	step(t, b, "open the question",
		chromedp.Navigate(base+thread.URL),
		chromedp.WaitVisible(chromedp.CSS(".post-accepted "+promote)),
	)
	step(t, b, "take the accepted answer into the FAQ",
		submit(promote),
		chromedp.WaitVisible(chromedp.CSS("#f-question")),
	)
	if flash := text(t, b, ".flash"); !strings.Contains(flash, "als Entwurf in die FAQ übernommen") {
		t.Errorf("flash after promoting = %q", flash)
	}
	q, err := chromedp.Run(b, chromedp.Value(chromedp.CSS("#f-question")))
	if err != nil {
		t.Fatal(err)
	}
	if q != title {
		t.Errorf("prefilled question = %q, want %q", q, title)
	}
	if src := text(t, b, "main .notice"); !strings.Contains(src, "Übernommen aus einer Antwort") || !strings.Contains(src, title) {
		t.Errorf("source notice = %q", src)
	}
	step(t, b, "save published",
		chromedp.Click(chromedp.CSS("#f-publish")),
		submit("main form.form button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS("main .summary-list")), // the entry page; the form had a flash too
	)
	if flash := text(t, b, ".flash"); !strings.Contains(flash, "veröffentlicht") {
		t.Errorf("flash after saving = %q, want the entry published", flash)
	}
	entryURL, err := chromedp.Run(b, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if h1 := text(t, b, "main h1"); h1 != title {
		t.Errorf("entry h1 = %q", h1)
	}
	if meta := text(t, b, "main .page-header .meta"); strings.Contains(meta, "Entwurf") {
		t.Errorf("entry still marked as draft: %q", meta)
	}

	// A reader (a fresh browser context without the moderator's cookies)
	// finds it on the field's FAQ, in the overview and on the thread.
	reader := secondBrowser(t, b)
	step(t, reader, "the field's FAQ",
		chromedp.Navigate(base+"/themenfeld/familie-kind"),
		chromedp.Click(chromedp.CSS(`main a[href="/themenfeld/familie-kind/faq"]`)),
		chromedp.WaitVisible(chromedp.CSS("main section.section .post-body")),
	)
	if got := text(t, reader, "main"); !strings.Contains(got, title) || !strings.Contains(got, "Kita-Portal des Landes") {
		t.Errorf("field FAQ = %.300q; want the entry", got)
	}
	step(t, reader, "the overview",
		chromedp.Click(chromedp.CSS(`.primary-nav a[href="/faq"]`)),
		chromedp.WaitVisible(chromedp.CSS("main .thread-list")),
	)
	if got := text(t, reader, "main .thread-list"); !strings.Contains(got, title) || !strings.Contains(got, "Stand:") {
		t.Errorf("overview = %q; want the entry with its date", got)
	}
	step(t, reader, "the thread",
		chromedp.Navigate(base+thread.URL),
		chromedp.WaitVisible(chromedp.CSS(".faq-thread-notice")),
	)
	if got := text(t, reader, ".faq-thread-notice"); !strings.Contains(got, "In die FAQ übernommen") || !strings.Contains(got, title) {
		t.Errorf("thread notice = %q", got)
	}
	step(t, reader, "follow the notice to the entry",
		chromedp.Click(chromedp.CSS(".faq-thread-notice a")),
		chromedp.WaitVisible(chromedp.CSS("main .summary-list")),
	)
	if got, _ := chromedp.Run(reader, chromedp.Location()); got != entryURL {
		t.Errorf("notice leads to %q, want %q", got, entryURL)
	}
}
