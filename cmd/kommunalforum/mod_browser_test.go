package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserFlagHideAudit walks the moderation flow in real Chromium: a
// new member's thread (posted through the API) waits in the approval queue
// until the field's moderator approves it; a member flags its opening post
// through the flag form; the moderator hides the post from the review
// queue with a reason; the moderation log shows the action, and the member
// sees the placeholder instead of the text.
func TestBrowserFlagHideAudit(t *testing.T) {
	base, data := startServer(t)
	addUsers(t, data,
		testUser{"anna.autorin@kreis-musterland.de", "Anna Autorin", "member", ""},
		testUser{"mira.mitglied@gemeinde-beispielhausen.de", "Mira Mitglied", "member", ""},
		testUser{"moritz.moderator@kreis-musterland.de", "Moritz Moderator", "moderator", "familie-kind"},
	)
	token := apiToken(t, data, "anna.autorin@kreis-musterland.de")

	// The author, new to the forum, opens a thread through the API.
	secret := "Meine Handynummer: 0170 1234567"
	body := `{"topic_field": "familie-kind", "title": "Kita-Gutscheine digital beantragen", "body": "Wer hat das schon umgesetzt? ` + secret + `"}`
	r, _ := http.NewRequest(http.MethodPost, base+"/api/v1/threads", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		URL    string `json:"url"`
		PostID int64  `json:"post_id"`
	}
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || created.URL == "" {
		t.Fatalf("create thread through the API: %d %+v", resp.StatusCode, created)
	}
	threadURL := base + created.URL

	member := newBrowser(t)
	mod := secondBrowser(t, member)
	logIn(t, member, base, "mira.mitglied@gemeinde-beispielhausen.de", testPassword)
	logIn(t, mod, base, "moritz.moderator@kreis-musterland.de", testPassword)

	// Until approved, the thread does not exist for the member.
	step(t, member, "open the pending thread",
		chromedp.Navigate(threadURL),
		chromedp.WaitVisible(chromedp.CSS("main h1")),
	)
	if h1 := text(t, member, "main h1"); !strings.Contains(h1, "404") {
		t.Fatalf("pending thread for the member: h1 = %q, want the 404 page", h1)
	}
	step(t, mod, "approve the thread from the queue",
		chromedp.Navigate(base+"/moderation"),
		chromedp.WaitVisible(chromedp.CSS("#pending-heading")),
		submit(`form[action$="/freigeben"] button`),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)

	// The member flags the opening post.
	step(t, member, "flag the post",
		chromedp.Navigate(threadURL),
		chromedp.WaitVisible(chromedp.CSS(".post-list")),
		chromedp.Click(chromedp.CSS(`.post-actions a[href$="/melden"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-reason-personal_data")),
		chromedp.Click(chromedp.CSS("#f-reason-personal_data")),
		chromedp.SendKeys(chromedp.CSS("#f-text"), "Private Telefonnummer im Beitrag"),
		submit("main form button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if flash := text(t, member, ".flash"); !strings.Contains(flash, "Danke für Ihre Meldung") {
		t.Fatalf("after flagging, flash = %q", flash)
	}

	// The moderator sees the count, and hides the post from the queue.
	step(t, mod, "open the review queue",
		chromedp.Navigate(base+"/moderation"),
		chromedp.WaitVisible(chromedp.CSS("#flagged-heading")),
	)
	if nav := text(t, mod, `.account-nav a[href="/moderation"]`); !strings.Contains(nav, "Moderation (1)") {
		t.Errorf("navigation = %q, want Moderation (1)", nav)
	}
	if item := text(t, mod, "#meldung-"+itoa(created.PostID)); !strings.Contains(item, "Private Telefonnummer im Beitrag") ||
		!strings.Contains(item, "Mira Mitglied") || !strings.Contains(item, "0170 1234567") {
		t.Fatalf("queue entry = %q", item)
	}
	step(t, mod, "hide the post from the queue",
		chromedp.SendKeys(chromedp.CSS("#hide-reason-"+itoa(created.PostID)), "Personenbezogene Daten"),
		submit(`#meldung-`+itoa(created.PostID)+` form[action$="/ausblenden"] button`),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if q := text(t, mod, "main"); !strings.Contains(q, "Zurzeit gibt es keine offenen Meldungen.") {
		t.Errorf("queue after hiding = %.300q", q)
	}

	// The moderation log shows it, with the reason.
	step(t, mod, "open the moderation log",
		chromedp.Click(chromedp.CSS(`main nav a[href="/moderation/protokoll"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.admin-table")),
	)
	row := text(t, mod, "table.admin-table tbody tr")
	for _, want := range []string{"Moritz Moderator", "Beitrag ausgeblendet", "Beitrag " + itoa(created.PostID), "Personenbezogene Daten"} {
		if !strings.Contains(row, want) {
			t.Errorf("newest log entry = %q; want %q", row, want)
		}
	}

	// The member now reads the placeholder, never the number.
	step(t, member, "reload the thread",
		chromedp.Navigate(threadURL),
		chromedp.WaitVisible(chromedp.CSS(".post-list")),
	)
	post := text(t, member, ".post-list .post")
	if !strings.Contains(post, "Von der Moderation ausgeblendet") || strings.Contains(post, "0170") {
		t.Errorf("hidden post for the member = %q", post)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
