package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

// groupEnv is the moderation harness with familie-kind restricted to the
// group "gremium": the author, groupMember and modHere are members; a
// moderator of familie-kind who is not (modOutside) moderates nothing there.
type groupEnv struct {
	*modEnv
	group                   store.Group
	groupMember, modOutside *store.User
}

func newGroupEnv(t *testing.T, mutate ...func(*Options, *authPolicy)) *groupEnv {
	t.Helper()
	e := &groupEnv{modEnv: newModEnv(t, mutate...)}
	ctx := t.Context()
	g, err := e.db.CreateGroup(ctx, e.admin.ID, "gremium", "Kommunalgremium intern")
	if err != nil {
		t.Fatal(err)
	}
	e.group = g
	e.groupMember = e.user("gremium@kreis-musterland.de", "member")
	e.modOutside = e.moderator("mod-draussen@kreis-musterland.de", e.familie.ID)
	for _, u := range []*store.User{e.author, e.groupMember, e.modHere} {
		if _, err := e.db.AddGroupMember(ctx, e.admin.ID, g.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.db.SetTopicFieldGroup(ctx, e.admin.ID, e.familie.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestGroupPermissions is the permission table of the protected-area
// routes and of a thread in a protected area.
func TestGroupPermissions(t *testing.T) {
	e := newGroupEnv(t)
	roles := []struct {
		name string
		u    *store.User
	}{{"anonymous", nil}, {"member", e.member}, {"group-member", e.groupMember}, {"mod-here", e.modHere},
		{"mod-there", e.modThere}, {"pm", e.pm}, {"admin", e.admin}, {"suspended", e.suspended}}
	cookies := map[string]*http.Cookie{}
	for _, r := range roles {
		if r.u != nil {
			cookies[r.name] = e.session(r.u)
		}
	}
	fixed := func(p string) func() string { return func() string { return p } }
	thread := func(suffix string) func() string {
		return func() string { return fmt.Sprintf("/t/%d%s", e.freshThread(), suffix) }
	}
	umwelt, _ := e.db.TopicFieldBySlug(t.Context(), "umwelt")
	// Statuses in the order of roles: anonymous, member, group-member,
	// mod-here, mod-there, pm, admin, suspended.
	type want [8]int
	rows := []struct {
		method string
		path   func() string
		form   url.Values
		json   string
		want   want
	}{
		// Content of the protected area: members of the group and admins.
		{"GET", thread(""), nil, "", want{404, 404, 301, 301, 404, 404, 301, 404}}, // 301: to the address with the slug
		{"GET", fixed("/themenfeld/familie-kind"), nil, "", want{404, 404, 200, 200, 404, 404, 200, 404}},
		{"GET", fixed("/themenfeld/familie-kind/faq"), nil, "", want{404, 404, 200, 200, 404, 404, 200, 404}},
		{"GET", func() string { return fmt.Sprintf("/api/v1/threads/%d", e.freshThread()) }, nil, "", want{404, 404, 200, 200, 404, 404, 200, 404}},
		{"POST", thread("/antworten"), url.Values{"body": {"Eine Antwort im Gremium."}}, "", want{303, 404, 303, 303, 404, 404, 303, 404}},
		{"POST", thread("/anheften"), url.Values{}, "", want{303, 404, 403, 303, 404, 404, 303, 404}},
		// Administration of groups: admins only.
		{"GET", fixed("/admin/gruppen"), nil, "", want{303, 404, 404, 404, 404, 404, 200, 404}},
		{"POST", fixed("/admin/gruppen"), url.Values{"name": {"Neue Gruppe"}}, "", want{303, 404, 404, 404, 404, 404, 303, 404}},
		{"POST", func() string { return fmt.Sprintf("/admin/gruppen/%d/mitglieder", e.group.ID) }, url.Values{"email": {"mitglied@stadt-beispiel.de"}}, "", want{303, 404, 404, 404, 404, 404, 303, 404}},
		{"POST", func() string {
			u := e.freshMember()
			e.db.AddGroupMember(e.t.Context(), 0, e.group.ID, u.ID)
			return fmt.Sprintf("/admin/gruppen/%d/mitglieder/%d/entfernen", e.group.ID, u.ID)
		}, url.Values{}, "", want{303, 404, 404, 404, 404, 404, 303, 404}},
		{"POST", fixed(fmt.Sprintf("/admin/themenfelder/%d/zugriff", umwelt.ID)), url.Values{"group": {""}}, "", want{303, 404, 404, 404, 404, 404, 303, 404}},
		// The API: 401 anonymous, 403 for everyone but admins.
		{"POST", fixed("/api/v1/groups"), nil, "", want{401, 403, 403, 403, 403, 403, 201, 403}},
		{"POST", fixed("/api/v1/groups/gremium/members"), nil, `{"email": "gremium@kreis-musterland.de"}`, want{401, 403, 403, 403, 403, 403, 200, 403}},
		{"PATCH", fixed("/api/v1/topic-fields/umwelt"), nil, `{"group": null}`, want{401, 403, 403, 403, 403, 403, 200, 403}},
	}
	for _, row := range rows {
		for i, r := range roles {
			path, body := row.path(), row.json
			if path == "/api/v1/groups" {
				body = fmt.Sprintf(`{"slug": "gruppe-%d", "name": "Gruppe"}`, i)
			}
			w := e.do(req{method: row.method, path: path, form: row.form, json: body, cookie: cookies[r.name]})
			if w.Code != row.want[i] {
				msg := w.Body.String()
				if len(msg) > 300 {
					msg = msg[:300]
				}
				t.Errorf("%s %s as %s = %d, want %d (%s)", row.method, path, r.name, w.Code, row.want[i], msg)
			}
		}
	}
}

// TestGroupAPI checks the admin API of protected areas end to end.
func TestGroupAPI(t *testing.T) {
	e := newGroupEnv(t)
	admin := e.session(e.admin)
	w := e.do(req{method: "POST", path: "/api/v1/groups", json: `{"slug": "kreistag", "name": "Kreistag"}`, cookie: admin})
	wantStatus(t, w, http.StatusCreated, "create group")
	w = e.do(req{method: "POST", path: "/api/v1/groups", json: `{"slug": "kreistag", "name": "Kreistag"}`, cookie: admin})
	wantStatus(t, w, http.StatusUnprocessableEntity, "duplicate group")
	w = e.do(req{method: "POST", path: "/api/v1/groups/kreistag/members", json: `{"email": "mitglied@stadt-beispiel.de"}`, cookie: admin})
	wantStatus(t, w, http.StatusCreated, "add member")
	w = e.do(req{method: "POST", path: "/api/v1/groups/kreistag/members", json: `{"email": "mitglied@stadt-beispiel.de"}`, cookie: admin})
	wantStatus(t, w, http.StatusOK, "add member again")
	w = e.do(req{method: "POST", path: "/api/v1/groups/fehlt/members", json: `{"email": "mitglied@stadt-beispiel.de"}`, cookie: admin})
	wantStatus(t, w, http.StatusNotFound, "add member to a missing group")
	w = e.do(req{method: "PATCH", path: "/api/v1/topic-fields/umwelt", json: `{"group": "kreistag"}`, cookie: admin})
	wantStatus(t, w, http.StatusOK, "restrict umwelt")
	wantBody(t, w, "restrict umwelt", `"group":"kreistag"`, `"slug":"umwelt"`)
	member := e.session(e.member)
	wantStatus(t, e.get("/themenfeld/umwelt", member), http.StatusOK, "umwelt for a member of kreistag")
	wantBody(t, e.get("/themenfeld/umwelt", member), "badge", "Geschützter Raum: Kreistag")
	wantStatus(t, e.get("/themenfeld/umwelt", nil), http.StatusNotFound, "umwelt for a visitor")
	w = e.do(req{method: "PATCH", path: "/api/v1/topic-fields/umwelt", json: `{"group": null}`, cookie: admin})
	wantStatus(t, w, http.StatusOK, "open umwelt")
	wantBody(t, w, "open umwelt", `"group":null`)
	wantStatus(t, e.get("/themenfeld/umwelt", nil), http.StatusOK, "umwelt open again")
	w = e.do(req{method: "PATCH", path: "/api/v1/topic-fields/umwelt", json: `{"group": "fehlt"}`, cookie: admin})
	wantStatus(t, w, http.StatusUnprocessableEntity, "unknown group")

	// The admin pages and their audit rows.
	wantBody(t, e.get("/admin/gruppen", admin), "groups page", "Kreistag", "mitglied")
	wantBody(t, e.get(fmt.Sprintf("/admin/themenfelder/%d", e.familie.ID), admin), "field form", "Zugriff", `selected>Gruppe Kommunalgremium intern`)
	es, err := e.db.AuditLog(t.Context(), 50)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range es {
		actions = append(actions, a.Action)
	}
	for _, want := range []string{"group.create", "group.member_add", "topic_field.group"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit actions = %v, want %s", actions, want)
		}
	}
}

// TestProtectedAreaNeverLeaks plants a canary word in every kind of
// content of a protected area and asks every page and API endpoint that
// could show it, as everyone outside the group: it never appears, and the
// area's threads and fields answer 404 as if missing.
func TestProtectedAreaNeverLeaks(t *testing.T) {
	e := newGroupEnv(t, withSearch(t)) // similar questions come from the index
	ctx := t.Context()
	b := make([]byte, 6)
	rand.Read(b)
	canary := "Kanarienvogel-" + hex.EncodeToString(b)

	f := e.familie
	f.Description = "Beschreibung " + canary
	if _, err := e.db.SaveTopicField(ctx, e.admin.ID, f); err != nil {
		t.Fatal(err)
	}
	q, qp, err := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: f.ID, AuthorID: e.author.ID, Kind: store.KindQuestion,
		Title: canary + " Satzung", Slug: "satzung", Body: "Frage " + canary, BodyHTML: "<p>Frage " + canary + "</p>"})
	if err != nil {
		t.Fatal(err)
	}
	answer, err := e.db.CreatePost(ctx, q, e.author.ID, "Antwort "+canary, "<p>Antwort "+canary+"</p>")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.AcceptAnswer(ctx, e.author.ID, q, answer); err != nil {
		t.Fatal(err)
	}
	pmq, _, err := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: f.ID, AuthorID: e.author.ID, Kind: store.KindPM,
		Title: "PM " + canary, Slug: "pm", Body: "PM-Frage " + canary, BodyHTML: "<p>PM-Frage " + canary + "</p>"})
	if err != nil {
		t.Fatal(err)
	}
	faqID, err := e.db.CreateFAQEntry(ctx, store.NewFAQEntry{TopicFieldID: f.ID, OwnerID: e.admin.ID, Question: "FAQ " + canary,
		Answer: "FAQ-Antwort " + canary, AnswerHTML: "<p>FAQ-Antwort " + canary + "</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetFAQState(ctx, e.admin.ID, faqID, store.FAQPublished); err != nil {
		t.Fatal(err)
	}

	e.indexNow()

	missing := []string{
		fmt.Sprintf("/t/%d", q), fmt.Sprintf("/t/%d", pmq), fmt.Sprintf("/beitrag/%d", qp), fmt.Sprintf("/beitrag/%d", answer),
		fmt.Sprintf("/beitrag/%d/versionen", answer), "/themenfeld/familie-kind", "/themenfeld/familie-kind/faq",
		fmt.Sprintf("/faq/%d", faqID), fmt.Sprintf("/api/v1/threads/%d", q), fmt.Sprintf("/api/v1/faqs/%d", faqID),
		"/api/v1/faqs?topic_field=familie-kind",
	}
	others := []string{
		"/", "/fragen", "/fragen?filter=geloest", "/pm", "/pm/statistik", "/faq", fmt.Sprintf("/u/%d", e.author.ID),
		"/api/v1/topic-fields", "/api/v1/faqs", "/api/v1/similar?title=" + url.QueryEscape(canary+" Satzung"),
		"/neues-thema", "/pm/queue", "/api/v1/pm/queue", "/moderation", "/moderation/protokoll", "/api/v1/audit",
	}
	outsiders := []struct {
		name string
		u    *store.User
	}{{"anonymous", nil}, {"member", e.member}, {"mod-there", e.modThere}, {"mod-outside-the-group", e.modOutside},
		{"pm", e.pm}, {"suspended", e.suspended}}
	for _, o := range outsiders {
		var cookie *http.Cookie
		if o.u != nil {
			cookie = e.session(o.u)
		}
		for _, path := range append(missing, others...) {
			w := e.get(path, cookie)
			if bytes.Contains(w.Body.Bytes(), []byte(canary)) {
				t.Errorf("GET %s as %s shows the canary", path, o.name)
			}
			for _, m := range missing {
				if path == m && w.Code != http.StatusNotFound {
					t.Errorf("GET %s as %s = %d, want 404", path, o.name, w.Code)
				}
			}
		}
	}

	// Members of the group and admins see it all.
	for _, u := range []*store.User{e.groupMember, e.admin} {
		cookie := e.session(u)
		for _, path := range []string{"/", fmt.Sprintf("/t/%d-satzung", q), fmt.Sprintf("/t/%d-pm", pmq),
			"/themenfeld/familie-kind", "/faq", fmt.Sprintf("/api/v1/threads/%d", q), "/api/v1/faqs",
			"/api/v1/similar?title=" + url.QueryEscape(canary+" Satzung"), fmt.Sprintf("/u/%d", e.author.ID)} {
			w := e.get(path, cookie)
			if w.Code != http.StatusOK {
				t.Errorf("GET %s as %s = %d, want 200", path, u.Email, w.Code)
				continue
			}
			if !bytes.Contains(w.Body.Bytes(), []byte(canary)) {
				t.Errorf("GET %s as %s misses the canary", path, u.Email)
			}
		}
	}
}
