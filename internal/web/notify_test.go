package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kommunalforum/internal/notify"
	"kommunalforum/internal/store"
	"kommunalforum/templates"
)

// newNotifyEnv is the test server with a notifier wired in, as serve does.
func newNotifyEnv(t *testing.T) (*testEnv, *notify.Notifier) {
	t.Helper()
	var n *notify.Notifier
	e := newTestEnv(t, func(o *Options, _ *authPolicy) {
		var err error
		n, err = notify.New(context.Background(), notify.Options{DB: o.DB, Catalog: o.Catalog, Templates: templates.FS,
			BaseURL: testBaseURL, From: "noreply@forum.test", Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		o.Notify, o.DigestTime = n, "07:00"
	})
	return e, n
}

// unsubscribeURL is the link a mail to u about stream carries.
func unsubscribeURL(n *notify.Notifier, userID int64, s notify.Stream, token string) string {
	if token == "" {
		token = n.Tokens().Sign(userID, s)
	}
	return "/mail/abbestellen?" + url.Values{"u": {itoa(userID)}, "s": {s.String()}, "t": {token}}.Encode()
}

// RFC 8058 one-click: a POST without cookie, Origin or CSRF token, from a
// mail client, changes exactly that stream and answers 200 without a
// redirect; forged or foreign tokens get 403.
func TestUnsubscribeOneClick(t *testing.T) {
	e, n := newNotifyEnv(t)
	ctx := context.Background()
	anna, ben := e.user("anna@example.org", store.RoleMember), e.user("ben@example.org", store.RoleMember)
	th := e.thread(anna, "bauen-wohnen", "Wohngeld online", "Wie habt ihr das gelöst?")
	if err := e.db.SetSubscription(ctx, anna.ID, 0, th.ID, store.LevelWatching); err != nil {
		t.Fatal(err)
	}
	stream := notify.Stream{Kind: notify.StreamThread, ID: th.ID}
	oneClick := url.Values{"List-Unsubscribe": {"One-Click"}}
	cases := []struct {
		name string
		path string
		want int
	}{
		{"forged token", unsubscribeURL(n, anna.ID, stream, "AAAAAAAAAAAAAAAAAAAAAA"), http.StatusForbidden},
		{"Ben's token for Anna", unsubscribeURL(n, anna.ID, stream, n.Tokens().Sign(ben.ID, stream)), http.StatusForbidden},
		{"token of another stream", unsubscribeURL(n, anna.ID, stream, n.Tokens().Sign(anna.ID, notify.Stream{Kind: notify.StreamThread, ID: th.ID + 1})), http.StatusForbidden},
		{"bad stream", "/mail/abbestellen?u=" + itoa(anna.ID) + "&s=alles&t=x", http.StatusForbidden},
	}
	for _, c := range cases {
		w := e.post(c.path, oneClick, nil)
		wantStatus(t, w, c.want, c.name)
		if l, _ := e.db.SubscriptionLevel(ctx, anna.ID, 0, th.ID); l != store.LevelWatching {
			t.Fatalf("%s changed Anna's level to %q", c.name, l)
		}
	}
	w := e.post(unsubscribeURL(n, anna.ID, stream, ""), oneClick, nil)
	wantStatus(t, w, http.StatusOK, "one-click POST")
	if loc := w.Header().Get("Location"); loc != "" {
		t.Errorf("one-click POST redirects to %q", loc)
	}
	if l, _ := e.db.SubscriptionLevel(ctx, anna.ID, 0, th.ID); l != store.LevelMuted {
		t.Errorf("after one-click Anna's level = %q, want muted", l)
	}
	// A mail client's POST may also carry no content type at all.
	if err := e.db.SaveMailSettings(ctx, anna.ID, store.DeliveryDaily, store.DeliveryDaily, true, "ok"); err != nil {
		t.Fatal(err)
	}
	w = e.post(unsubscribeURL(n, anna.ID, notify.Stream{Kind: notify.StreamDigest, Freq: "daily"}, ""), oneClick, nil)
	wantStatus(t, w, http.StatusOK, "one-click POST for the daily digest")
	m, _ := e.db.MailSettingsOf(ctx, anna.ID)
	if m.Delivery != store.DeliveryOff || m.FieldDelivery != store.DeliveryOff {
		t.Errorf("after unsubscribing the daily digest: %+v, want both off", m)
	}
}

// The GET page offers "less often" before "never" and changes nothing by
// itself (link scanners follow GET links); its buttons apply the choice.
func TestUnsubscribePage(t *testing.T) {
	e, n := newNotifyEnv(t)
	ctx := context.Background()
	anna := e.user("anna@example.org", store.RoleMember)
	if err := e.db.SaveMailSettings(ctx, anna.ID, store.DeliveryDaily, store.DeliveryWeekly, true, "ok"); err != nil {
		t.Fatal(err)
	}
	link := unsubscribeURL(n, anna.ID, notify.Stream{Kind: notify.StreamDigest, Freq: "daily"}, "")
	w := e.get(link, nil)
	wantStatus(t, w, http.StatusOK, "GET unsubscribe page")
	body := w.Body.String()
	less, never := strings.Index(body, "Nur noch wöchentlich"), strings.Index(body, "Gar keine mehr")
	if less < 0 || never < 0 || less > never {
		t.Errorf("page offers less often at %d and never at %d; want less often first", less, never)
	}
	if m, _ := e.db.MailSettingsOf(ctx, anna.ID); m.Delivery != store.DeliveryDaily {
		t.Errorf("GET changed the delivery to %q", m.Delivery)
	}
	w = e.do(req{method: http.MethodPost, path: link, form: url.Values{"choice": {"less"}},
		header: map[string]string{"Origin": testBaseURL, "Sec-Fetch-Site": "same-origin"}})
	wantStatus(t, w, http.StatusOK, "POST less often")
	wantBody(t, w, "POST less often", "Sie erhalten die Zusammenfassung jetzt wöchentlich.")
	if m, _ := e.db.MailSettingsOf(ctx, anna.ID); m.Delivery != store.DeliveryWeekly || !m.Consented() {
		t.Errorf("after 'less often' settings = %+v, want weekly with consent", m)
	}
	wantStatus(t, e.get("/mail/abbestellen?u="+itoa(anna.ID)+"&s=digest%3Adaily&t=falsch", nil), http.StatusForbidden, "GET with forged token")
}

// The settings page records delivery and consent with its wording and
// time; bad input keeps the form and says what is wrong.
func TestMailSettingsPage(t *testing.T) {
	e, _ := newNotifyEnv(t)
	ctx := context.Background()
	anna := e.user("anna@example.org", store.RoleMember)
	c := e.session(anna)
	w := e.get("/konto/benachrichtigungen", c)
	wantStatus(t, w, http.StatusOK, "settings page")
	wantBody(t, w, "settings page", "Ich willige ein", "Täglich", "Wöchentlich", "07:00")
	w = e.post("/konto/benachrichtigungen", url.Values{"delivery": {"stündlich"}, "field_delivery": {"weekly"}, "consent": {"1"}}, c)
	wantStatus(t, w, http.StatusUnprocessableEntity, "bad delivery")
	if m, _ := e.db.MailSettingsOf(ctx, anna.ID); m.Consented() {
		t.Errorf("a rejected form recorded consent: %+v", m)
	}
	w = e.post("/konto/benachrichtigungen", url.Values{"delivery": {"daily"}, "field_delivery": {"weekly"}, "consent": {"1"}}, c)
	wantStatus(t, w, http.StatusSeeOther, "save settings")
	m, err := e.db.MailSettingsOf(ctx, anna.ID)
	if err != nil || m.Delivery != "daily" || !m.Consented() || !strings.HasPrefix(m.ConsentText, "Ich willige ein") {
		t.Errorf("settings = %+v, %v; want daily with recorded German consent wording", m, err)
	}
	// Watch buttons: a field and a thread.
	th := e.thread(anna, "bauen-wohnen", "Bauantrag", "Frage")
	wantStatus(t, e.post("/konto/benachrichtigungen/abo", url.Values{"field": {"bauen-wohnen"}, "level": {"watching"}}, c),
		http.StatusSeeOther, "watch field")
	wantStatus(t, e.post("/konto/benachrichtigungen/abo", url.Values{"thread_id": {itoa(th.ID)}, "level": {"muted"}}, c),
		http.StatusSeeOther, "mute thread")
	wantStatus(t, e.post("/konto/benachrichtigungen/abo", url.Values{"thread_id": {"999999"}, "level": {"muted"}}, c),
		http.StatusNotFound, "mute missing thread")
	w = e.get("/konto/benachrichtigungen", c)
	wantBody(t, w, "settings page with subscriptions", "Bauantrag", "Themenfeld")
	w = e.get(th.URL(), c)
	wantBody(t, w, "thread page", `value="muted" selected`)
	if last, _ := e.db.LastReadPost(ctx, anna.ID, th.ID); last == 0 {
		t.Error("viewing the thread recorded no read mark")
	}
}

func TestMailAPI(t *testing.T) {
	e, _ := newNotifyEnv(t)
	anna := e.user("anna@example.org", store.RoleMember)
	tok := e.token(anna)
	w := e.api(http.MethodGet, "/api/v1/me/settings", tok, "")
	wantStatus(t, w, http.StatusOK, "GET settings")
	got := readJSON[apiMailSettings](t, w, "GET settings")
	if got.MailConsent || got.Delivery != "daily" {
		t.Errorf("default settings = %+v, want daily without consent", got)
	}
	w = e.api(http.MethodPut, "/api/v1/me/settings", tok, `{"delivery": "weekly", "mail_consent": true}`)
	wantStatus(t, w, http.StatusOK, "PUT settings")
	got = readJSON[apiMailSettings](t, w, "PUT settings")
	if !got.MailConsent || got.Delivery != "weekly" || got.ConsentAt == nil || got.ConsentText == "" {
		t.Errorf("saved settings = %+v, want weekly with consent time and text", got)
	}
	wantProblem(t, e, e.api(http.MethodPut, "/api/v1/me/settings", tok, `{"delivery": "hourly"}`), http.StatusUnprocessableEntity,
		"error.validation", "PUT bad delivery")
	th := e.thread(anna, "bauen-wohnen", "Thema", "Frage")
	w = e.api(http.MethodPut, "/api/v1/subscriptions", tok, `{"topic_field": "bauen-wohnen", "level": "watching"}`)
	wantStatus(t, w, http.StatusOK, "PUT field subscription")
	w = e.api(http.MethodPut, "/api/v1/subscriptions", tok, `{"thread_id": `+itoa(th.ID)+`, "level": "muted"}`)
	wantStatus(t, w, http.StatusOK, "PUT thread subscription")
	if s := readJSON[apiSubscription](t, w, "PUT thread subscription"); s.Level != "muted" || s.ThreadID != th.ID {
		t.Errorf("PUT answered %+v", s)
	}
	wantProblem(t, e, e.api(http.MethodPut, "/api/v1/subscriptions", tok, `{"level": "watching"}`), http.StatusUnprocessableEntity,
		"error.validation", "PUT without target")
	wantProblem(t, e, e.api(http.MethodPut, "/api/v1/subscriptions", tok, `{"topic_field": "gibt-es-nicht", "level": "watching"}`),
		http.StatusNotFound, "error.not_found", "PUT unknown field")
	w = e.api(http.MethodGet, "/api/v1/subscriptions", tok, "")
	list := readJSON[struct {
		Subscriptions []apiSubscription `json:"subscriptions"`
	}](t, w, "GET subscriptions")
	if len(list.Subscriptions) != 2 || list.Subscriptions[0].TopicField != "bauen-wohnen" || list.Subscriptions[1].Level != "muted" {
		t.Errorf("subscriptions = %+v, want the field (watching) and the thread (muted)", list.Subscriptions)
	}
	wantStatus(t, e.api(http.MethodGet, "/api/v1/me/settings", "", ""), http.StatusUnauthorized, "GET settings without login")
}

func TestDigestPreviewAndMailLogAccess(t *testing.T) {
	e, _ := newNotifyEnv(t)
	anna, admin := e.user("anna@example.org", store.RoleMember), e.user("admin@example.org", store.RoleAdmin)
	ca, cadm := e.session(anna), e.session(admin)
	wantStatus(t, e.get("/konto/benachrichtigungen/vorschau", ca), http.StatusOK, "own preview")
	wantStatus(t, e.get("/admin/benachrichtigungen/vorschau?benutzer="+itoa(admin.ID), ca), http.StatusNotFound, "member previews admin")
	w := e.get("/admin/benachrichtigungen/vorschau?benutzer="+itoa(anna.ID), cadm)
	wantStatus(t, w, http.StatusOK, "admin previews Anna")
	wantBody(t, w, "admin preview", "anna")
	wantStatus(t, e.get("/admin/mail", ca), http.StatusNotFound, "member opens mail log")
	wantStatus(t, e.get("/admin/mail?status=failed", cadm), http.StatusOK, "admin opens mail log")
}
