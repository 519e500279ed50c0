package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var unsubscribeLink = regexp.MustCompile(`https?://\S+/mail/abbestellen\?\S+`)

// TestBrowserDigestAndUnsubscribe walks the notification path in real
// Chromium: Anna switches to the daily digest (with consent) on the
// settings page and watches a topic field with its button; Ben opens a
// thread there; Anna's digest preview shows it; a digest round from the
// command line puts her digest into the pickup folder; she follows its
// unsubscribe link, which offers "less often" before "never", and
// confirms. Her settings then say the daily digest is off.
func TestBrowserDigestAndUnsubscribe(t *testing.T) {
	base, data := startServer(t)
	anna, ben := "anna.amt@gemeinde-beispielhausen.de", "ben.bau@landkreis-musterland.de"
	addUsers(t, data, testUser{anna, "Anna Amt", "member", ""}, testUser{ben, "Ben Bau", "moderator", "umwelt"})
	b := newBrowser(t)
	logIn(t, b, base, anna, testPassword)

	step(t, b, "choose daily delivery with consent",
		chromedp.Navigate(base+"/konto/benachrichtigungen"),
		chromedp.WaitVisible(chromedp.CSS("#f-delivery-daily")),
		chromedp.Click(chromedp.CSS("#f-delivery-daily")),
		chromedp.Click(chromedp.CSS("#f-field_delivery-daily")),
		chromedp.Click(chromedp.CSS("#f-consent")),
		submit("#f-consent"),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text(t, b, ".flash"); !strings.Contains(got, "gespeichert") {
		t.Errorf("flash after saving = %q", got)
	}
	if got := text(t, b, "#f-consent-hint"); !strings.Contains(got, "Einwilligung erteilt am") {
		t.Errorf("consent hint = %q, want the recorded time", got)
	}
	step(t, b, "watch a topic field",
		chromedp.Navigate(base+"/themenfeld/bauen-wohnen"),
		chromedp.WaitVisible(chromedp.CSS(".watch-form button[value=watching]")),
		chromedp.Click(chromedp.CSS(".watch-form button[value=watching]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)

	// Ben opens a thread in the field through the API. He moderates
	// another field, so his post does not wait in the approval queue.
	title := "Digitaler Bauantrag: Erfahrungen mit der Schnittstelle"
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/threads",
		strings.NewReader(`{"topic_field": "bauen-wohnen", "title": "`+title+`", "body": "Wer hat die XBau-Schnittstelle angebunden?"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+apiToken(t, data, ben))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create thread: status %d", resp.StatusCode)
	}

	step(t, b, "open the digest preview",
		chromedp.Navigate(base+"/konto/benachrichtigungen"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/konto/benachrichtigungen/vorschau"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/konto/benachrichtigungen/vorschau"]`)),
		chromedp.WaitVisible(chromedp.CSS(".digest-section")),
	)
	if got := text(t, b, "main"); !strings.Contains(got, title) || !strings.Contains(got, "Tägliche Zusammenfassung") {
		t.Errorf("preview lacks the new thread:\n%s", got)
	}

	// The command has no --listen: it learns the address for its links
	// from the configuration, as on a real server.
	t.Setenv("KF_SERVER_BASE_URL", base)
	code, out, errOut := runCmd(t, "", "digest", "--data", data, "--frequency", "daily", "--now")
	if code != 0 || !strings.Contains(out, "1 composed") {
		t.Fatalf("digest: %d %q %q", code, out, errOut)
	}
	mail := waitForMail(t, filepath.Join(data, "mail-pickup"), anna)
	if !strings.Contains(mail, title) {
		t.Errorf("digest mail lacks the thread:\n%s", mail)
	}
	link := unsubscribeLink.FindString(mail)
	if link == "" {
		t.Fatalf("no unsubscribe link in the digest:\n%s", mail)
	}

	step(t, b, "follow the unsubscribe link",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`button[value=never]`)),
	)
	page := text(t, b, "main")
	if less, never := strings.Index(page, "Nur noch wöchentlich"), strings.Index(page, "Gar keine mehr"); less < 0 || less > never {
		t.Errorf("unsubscribe page should offer weekly before never:\n%s", page)
	}
	step(t, b, "confirm never",
		chromedp.Click(chromedp.CSS(`button[value=never]`)),
		chromedp.WaitVisible(chromedp.CSS("main .notice")),
	)
	if got := text(t, b, "main .notice"); !strings.Contains(got, "nicht mehr") {
		t.Errorf("confirmation = %q", got)
	}

	req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/me/settings", nil)
	req.Header.Set("Authorization", "Bearer "+apiToken(t, data, anna))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var settings struct {
		Delivery string `json:"delivery"`
		Consent  bool   `json:"mail_consent"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&settings); err != nil {
		t.Fatal(err)
	}
	if settings.Delivery != "off" || !settings.Consent {
		t.Errorf("settings after unsubscribing = %+v, want delivery off (consent kept)", settings)
	}
}
