package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kommunalforum/internal/store"
)

// adminTestEnv is a test env with a logged-in administrator.
func adminTestEnv(t *testing.T, mutate ...func(*Options, *authPolicy)) (*testEnv, *store.User, *http.Cookie) {
	t.Helper()
	e := newTestEnv(t, mutate...)
	adm := e.user("erika.mustermann@kreis-musterland.de", "admin")
	return e, adm, e.session(adm)
}

// adminFieldID returns the ID of the topic field with the slug.
func adminFieldID(t *testing.T, e *testEnv, slug string) int64 {
	t.Helper()
	f, err := e.db.TopicFieldBySlug(context.Background(), slug)
	if err != nil {
		t.Fatalf("TopicFieldBySlug(%q): %v", slug, err)
	}
	return f.ID
}

// adminApprovalUser creates a verified account waiting for approval.
func adminApprovalUser(t *testing.T, e *testEnv, email, name string) store.User {
	t.Helper()
	u, err := e.db.CreateUser(context.Background(), store.NewUser{Email: email, DisplayName: name, Role: store.RoleMember,
		OrgName: "Gemeinde Beispielhausen", OrgType: "gemeinde", Status: store.StatusApproval, Language: "de", Verified: true}, nil, nil)
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// adminControl returns the opening tag of the form control named name.
func adminControl(t testing.TB, w *httptest.ResponseRecorder, name string) string {
	t.Helper()
	b := w.Body.String()
	i := strings.Index(b, ` name="`+name+`"`)
	if i < 0 {
		t.Fatalf("no control named %q in the page", name)
	}
	start := max(strings.LastIndex(b[:i], "<input"), strings.LastIndex(b[:i], "<textarea"))
	end := strings.IndexByte(b[i:], '>')
	return b[start : i+end+1]
}

// adminFlash returns the flash key the response sets.
func adminFlash(w *httptest.ResponseRecorder) string {
	for _, c := range w.Result().Cookies() {
		if c.Name == cookieFlash {
			return c.Value
		}
	}
	return ""
}

func TestAdminPermissions(t *testing.T) {
	e, _, adminCookie := adminTestEnv(t)
	field := itoa(adminFieldID(t, e, "bildung"))
	waiting := itoa(adminApprovalUser(t, e, "petra@beispielhausen.de", "Petra Prüfer").ID)
	routes := []struct {
		method, path string
		form         url.Values // valid input, so the admin's request succeeds
	}{
		{http.MethodGet, "/admin/themenfelder", nil},
		{http.MethodGet, "/admin/themenfelder/neu", nil},
		{http.MethodPost, "/admin/themenfelder/neu", url.Values{"name": {"Digitale Verwaltung"}}},
		{http.MethodGet, "/admin/themenfelder/" + field, nil},
		{http.MethodPost, "/admin/themenfelder/" + field, url.Values{"name": {"Bildung & Schule"}, "slug": {"bildung"}}},
		{http.MethodPost, "/admin/themenfelder/" + field + "/hoch", url.Values{}},
		{http.MethodPost, "/admin/themenfelder/" + field + "/runter", url.Values{}},
		{http.MethodPost, "/admin/themenfelder/" + field + "/archivieren", url.Values{}},
		{http.MethodPost, "/admin/themenfelder/" + field + "/wiederherstellen", url.Values{}},
		{http.MethodGet, "/admin/benutzer", nil},
		{http.MethodPost, "/admin/benutzer/" + waiting + "/freischalten", url.Values{}},
		{http.MethodGet, "/admin/protokoll", nil},
	}
	roles := []string{"anonymous", "member", "moderator", "pm", "admin"} // admin last: its requests change state
	for _, role := range roles {
		var cookie *http.Cookie
		switch role {
		case "anonymous":
		case "admin":
			cookie = adminCookie
			// Nobody before the admin changed anything.
			if es, err := e.db.AuditLog(context.Background(), 10); err != nil || len(es) != 0 {
				t.Fatalf("AuditLog before admin requests = %d entries, %v; want none", len(es), err)
			}
		default:
			cookie = e.session(e.user(role+"@stadt-beispiel.de", role))
		}
		for _, r := range routes {
			var want int
			var wantLoc string
			switch {
			case role == "anonymous" && r.method == http.MethodGet:
				want, wantLoc = http.StatusSeeOther, "/anmelden?weiter="+url.QueryEscape(r.path)
			case role == "anonymous":
				want, wantLoc = http.StatusSeeOther, "/anmelden"
			case role != "admin":
				want = http.StatusNotFound
			case r.method == http.MethodGet:
				want = http.StatusOK
			default:
				want = http.StatusSeeOther
			}
			t.Run(fmt.Sprintf("%s %s %s", role, r.method, r.path), func(t *testing.T) {
				w := e.do(req{method: r.method, path: r.path, form: r.form, cookie: cookie})
				wantStatus(t, w, want, role+" "+r.method+" "+r.path)
				if wantLoc != "" && w.Header().Get("Location") != wantLoc {
					t.Errorf("Location = %q, want %q", w.Header().Get("Location"), wantLoc)
				}
			})
		}
	}
}

func TestAdminUnknownTargets(t *testing.T) {
	e, _, ac := adminTestEnv(t)
	active := e.user("anna@kreis-musterland.de", "member")
	tests := []struct{ method, path string }{
		{http.MethodGet, "/admin/themenfelder/9999"},
		{http.MethodGet, "/admin/themenfelder/abc"},
		{http.MethodPost, "/admin/themenfelder/9999"},
		{http.MethodPost, "/admin/themenfelder/9999/hoch"},
		{http.MethodPost, "/admin/themenfelder/9999/runter"},
		{http.MethodPost, "/admin/themenfelder/9999/archivieren"},
		{http.MethodPost, "/admin/themenfelder/9999/wiederherstellen"},
		{http.MethodPost, "/admin/benutzer/9999/freischalten"},
		{http.MethodPost, "/admin/benutzer/" + itoa(active.ID) + "/freischalten"}, // not waiting for approval
		{http.MethodGet, "/admin/benutzer?seite=2"},
	}
	for _, tt := range tests {
		w := e.do(req{method: tt.method, path: tt.path, form: url.Values{"name": {"Irgendwas"}, "slug": {"irgendwas"}}, cookie: ac})
		wantStatus(t, w, http.StatusNotFound, tt.method+" "+tt.path)
	}
}

func TestAdminTopicFieldLifecycle(t *testing.T) {
	e, adm, ac := adminTestEnv(t)

	// Create: the slug is derived from the name.
	w := e.post("/admin/themenfelder/neu", url.Values{"name": {"Digitale Verwaltung & Co."}, "slug": {""},
		"description": {"Querschnittsthemen der Verwaltungsdigitalisierung."}}, ac)
	wantStatus(t, w, http.StatusSeeOther, "create field")
	if loc := w.Header().Get("Location"); loc != "/admin/themenfelder" {
		t.Errorf("create Location = %q", loc)
	}
	if f := adminFlash(w); f != "flash.admin_field_created" {
		t.Errorf("create flash = %q", f)
	}
	id := adminFieldID(t, e, "digitale-verwaltung-und-co")
	w = e.get("/", nil)
	wantBody(t, w, "home after create", `href="/themenfeld/digitale-verwaltung-und-co"`, "Digitale Verwaltung &amp; Co.",
		"Querschnittsthemen der Verwaltungsdigitalisierung.")
	w = e.get("/admin/themenfelder", ac)
	wantStatus(t, w, http.StatusOK, "admin list")
	wantBody(t, w, "admin list", `href="/admin/themenfelder/`+itoa(id)+`"`, "<code>digitale-verwaltung-und-co</code>",
		`class="table-wrap" role="region"`, `tabindex="0"`, "Aktiv", `href="/admin/themenfelder/neu"`,
		`aria-current="page">Themenfelder</a>`, "Nach oben<span class=\"visually-hidden\"> – Digitale Verwaltung &amp; Co.</span>")

	// Edit: the form shows the current values; saving renames the field.
	w = e.get("/admin/themenfelder/"+itoa(id), ac)
	wantStatus(t, w, http.StatusOK, "edit form")
	if tag := adminControl(t, w, "slug"); !strings.Contains(tag, `value="digitale-verwaltung-und-co"`) || !strings.Contains(tag, "required") {
		t.Errorf("edit form slug control = %s", tag)
	}
	w = e.post("/admin/themenfelder/"+itoa(id), url.Values{"name": {"Digitale Verwaltung"}, "slug": {"digitale-verwaltung"},
		"description": {"Neu beschrieben."}}, ac)
	wantStatus(t, w, http.StatusSeeOther, "edit field")
	if f := adminFlash(w); f != "flash.admin_field_saved" {
		t.Errorf("edit flash = %q", f)
	}
	w = e.get("/", nil)
	wantBody(t, w, "home after edit", `href="/themenfeld/digitale-verwaltung"`, "Digitale Verwaltung</a>", "Neu beschrieben.")

	// Reorder: moving the first field down swaps the first two.
	first, second := "Arbeit &amp; Ruhestand", "Bauen &amp; Wohnen"
	home := e.get("/", nil).Body.String()
	if strings.Index(home, first) > strings.Index(home, second) {
		t.Fatalf("home before move: %q not before %q", first, second)
	}
	arbeit := adminFieldID(t, e, "arbeit-ruhestand")
	w = e.post("/admin/themenfelder/"+itoa(arbeit)+"/runter", nil, ac)
	wantStatus(t, w, http.StatusSeeOther, "move down")
	if loc := w.Header().Get("Location"); loc != "/admin/themenfelder#feld-"+itoa(arbeit) {
		t.Errorf("move Location = %q", loc)
	}
	home = e.get("/", nil).Body.String()
	if i, j := strings.Index(home, second), strings.Index(home, first); i < 0 || j < 0 || i > j {
		t.Errorf("home after move: %q (at %d) should come before %q (at %d)", second, i, first, j)
	}
	// The new first field cannot move up, the last cannot move down.
	bauen := adminFieldID(t, e, "bauen-wohnen")
	w = e.get("/admin/themenfelder", ac)
	if b := w.Body.String(); strings.Contains(b, fmt.Sprintf("/admin/themenfelder/%d/hoch", bauen)) ||
		strings.Contains(b, fmt.Sprintf("/admin/themenfelder/%d/runter", id)) || !strings.Contains(b, fmt.Sprintf("/admin/themenfelder/%d/hoch", arbeit)) {
		t.Error("admin list offers a move beyond the ends, or lacks one within")
	}
	// Moving up brings it back.
	wantStatus(t, e.post("/admin/themenfelder/"+itoa(arbeit)+"/hoch", nil, ac), http.StatusSeeOther, "move up")
	home = e.get("/", nil).Body.String()
	if strings.Index(home, first) > strings.Index(home, second) {
		t.Errorf("home after moving back: %q not before %q", first, second)
	}

	// Archive hides the field from the home page; its page says so.
	bildung := adminFieldID(t, e, "bildung")
	w = e.post("/admin/themenfelder/"+itoa(bildung)+"/archivieren", nil, ac)
	wantStatus(t, w, http.StatusSeeOther, "archive")
	if f := adminFlash(w); f != "flash.admin_field_archived" {
		t.Errorf("archive flash = %q", f)
	}
	if strings.Contains(e.get("/", nil).Body.String(), `href="/themenfeld/bildung"`) {
		t.Error("archived field still on the home page")
	}
	w = e.get("/themenfeld/bildung", nil)
	wantStatus(t, w, http.StatusOK, "archived field page")
	wantBody(t, w, "archived field page", "Dieses Themenfeld ist archiviert.")
	w = e.get("/admin/themenfelder", ac)
	wantBody(t, w, "admin list with archived", `<span class="badge badge-warn">Archiviert</span>`,
		fmt.Sprintf(`action="/admin/themenfelder/%d/wiederherstellen"`, bildung))
	wantBody(t, e.get("/admin/themenfelder/"+itoa(bildung), ac), "archived edit form", "Archiviert:")

	// Restore brings it back.
	w = e.post("/admin/themenfelder/"+itoa(bildung)+"/wiederherstellen", nil, ac)
	wantStatus(t, w, http.StatusSeeOther, "restore")
	wantBody(t, e.get("/", nil), "home after restore", `href="/themenfeld/bildung"`)

	// Every change is in the audit log, with the admin's name.
	es, err := e.db.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].ActorID != adm.ID {
			t.Errorf("audit entry %d by actor %d, want %d", es[i].ID, es[i].ActorID, adm.ID)
		}
		actions = append(actions, es[i].Action)
	}
	want := "[topic_field.create topic_field.update topic_field.reorder topic_field.reorder topic_field.archive topic_field.restore]"
	if fmt.Sprint(actions) != want {
		t.Errorf("audit actions = %v, want %s", actions, want)
	}
	w = e.get("/admin/protokoll", ac)
	wantStatus(t, w, http.StatusOK, "audit page")
	wantBody(t, w, "audit page", "Themenfeld angelegt", "Themenfeld geändert", "Themenfeld verschoben", "nach unten", "nach oben",
		"Themenfeld archiviert", "Themenfeld wiederhergestellt", adm.DisplayName,
		fmt.Sprintf(`<a href="/admin/themenfelder/%d">Themenfeld %d</a>`, bildung, bildung), "digitale-verwaltung-und-co")
	if strings.Contains(w.Body.String(), "limit_text") || strings.Contains(w.Body.String(), "Hinweis:") {
		t.Error("audit page shows the limit note for a short log")
	}
}

func TestAdminFieldValidation(t *testing.T) {
	e, _, ac := adminTestEnv(t)
	bildung := itoa(adminFieldID(t, e, "bildung"))
	tests := []struct {
		name    string
		path    string
		form    url.Values
		invalid string // the control that must be marked invalid
		message string
	}{
		{"slug with spaces", "/admin/themenfelder/neu", url.Values{"name": {"Digitale Verwaltung"}, "slug": {"Digitale Verwaltung"}},
			"slug", "Bitte verwenden Sie nur Kleinbuchstaben"},
		{"slug with umlaut", "/admin/themenfelder/neu", url.Values{"name": {"Prüfung"}, "slug": {"prüfung"}}, "slug", "Kleinbuchstaben"},
		{"slug with double hyphen", "/admin/themenfelder/neu", url.Values{"name": {"Prüfung"}, "slug": {"a--b"}}, "slug", "Kleinbuchstaben"},
		{"slug with trailing hyphen", "/admin/themenfelder/neu", url.Values{"name": {"Prüfung"}, "slug": {"ab-"}}, "slug", "Kleinbuchstaben"},
		{"slug too long", "/admin/themenfelder/neu", url.Values{"name": {"Prüfung"}, "slug": {strings.Repeat("a", 61)}}, "slug", "höchstens 60 Zeichen"},
		{"duplicate slug", "/admin/themenfelder/neu", url.Values{"name": {"Schule"}, "slug": {"bildung"}}, "slug", "bereits von einem anderen Themenfeld"},
		{"duplicate derived slug", "/admin/themenfelder/neu", url.Values{"name": {"Bildung"}}, "slug", "bereits von einem anderen Themenfeld"},
		{"name too short", "/admin/themenfelder/neu", url.Values{"name": {"A"}}, "name", "mindestens 2 Zeichen"},
		{"name missing", "/admin/themenfelder/neu", url.Values{"name": {"  "}}, "name", "Bitte füllen Sie dieses Feld aus."},
		{"name too long", "/admin/themenfelder/neu", url.Values{"name": {strings.Repeat("x", 81)}}, "name", "höchstens 80 Zeichen"},
		{"description too long", "/admin/themenfelder/neu", url.Values{"name": {"Prüfung"}, "description": {strings.Repeat("x", 501)}},
			"description", "höchstens 500 Zeichen"},
		{"edit without slug", "/admin/themenfelder/" + bildung, url.Values{"name": {"Bildung"}, "slug": {""}}, "slug", "Bitte füllen Sie dieses Feld aus."},
		{"edit to a taken slug", "/admin/themenfelder/" + bildung, url.Values{"name": {"Bildung"}, "slug": {"umwelt"}}, "slug", "bereits von einem anderen Themenfeld"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.post(tt.path, tt.form, ac)
			wantStatus(t, w, http.StatusUnprocessableEntity, tt.name)
			wantBody(t, w, tt.name, tt.message, `class="error-summary"`)
			if tag := adminControl(t, w, tt.invalid); !strings.Contains(tag, `aria-invalid="true"`) {
				t.Errorf("control %s = %s, want aria-invalid", tt.invalid, tag)
			}
			// What was typed is kept.
			if n := tt.form.Get("name"); strings.TrimSpace(n) != "" && !strings.Contains(adminControl(t, w, "name"), `value="`+n+`"`) {
				t.Errorf("name control lost the input %q", n)
			}
		})
	}
	// Nothing was saved.
	if _, err := e.db.TopicFieldBySlug(context.Background(), "schule"); err == nil {
		t.Error("invalid input created a field")
	}
	if es, _ := e.db.AuditLog(context.Background(), 10); len(es) != 0 {
		t.Errorf("invalid input wrote %d audit entries", len(es))
	}
	// A derived slug that clashes is shown, so the admin can change it.
	w := e.post("/admin/themenfelder/neu", url.Values{"name": {"Bildung"}}, ac)
	if tag := adminControl(t, w, "slug"); !strings.Contains(tag, `value="bildung"`) {
		t.Errorf("slug control after derived clash = %s", tag)
	}
}

func TestAdminApproveUser(t *testing.T) {
	woke := 0
	e, adm, ac := adminTestEnv(t, func(o *Options, _ *authPolicy) { o.MailWake = func() { woke++ } })
	petra := adminApprovalUser(t, e, "petra.pruefer@beispielhausen.de", "Petra Prüfer")

	w := e.get("/admin/benutzer", ac)
	wantStatus(t, w, http.StatusOK, "users page")
	wantBody(t, w, "approval queue", "Warten auf Freischaltung (1)", "Petra Prüfer", "petra.pruefer@beispielhausen.de",
		"Gemeinde Beispielhausen", "<td>Gemeinde</td>",
		fmt.Sprintf(`action="/admin/benutzer/%d/freischalten"`, petra.ID), `Freischalten<span class="visually-hidden"> – Petra Prüfer</span>`)

	w = e.post(fmt.Sprintf("/admin/benutzer/%d/freischalten", petra.ID), nil, ac)
	wantStatus(t, w, http.StatusSeeOther, "approve")
	if loc := w.Header().Get("Location"); loc != "/admin/benutzer" {
		t.Errorf("approve Location = %q", loc)
	}
	if f := adminFlash(w); f != "flash.admin_user_approved" {
		t.Errorf("approve flash = %q", f)
	}
	if woke != 1 {
		t.Errorf("MailWake called %d times, want 1", woke)
	}
	u, err := e.db.UserByID(context.Background(), petra.ID)
	if err != nil || u.Status != store.StatusActive {
		t.Fatalf("UserByID after approval = %q, %v; want active", u.Status, err)
	}
	var mailed bool
	for _, m := range e.outbox() {
		if m.Recipient == petra.Email && m.Subject == "Ihr Konto wurde freigeschaltet" {
			mailed = true
		}
	}
	if !mailed {
		t.Errorf("no approval notice in the outbox: %+v", e.outbox())
	}
	es, err := e.db.AuditLog(context.Background(), 10)
	if err != nil || len(es) != 1 || es[0].Action != "user.approve" || es[0].TargetID != petra.ID || es[0].ActorID != adm.ID {
		t.Errorf("AuditLog = %+v, %v; want one user.approve of %d by %d", es, err, petra.ID, adm.ID)
	}

	// The queue is empty; the user is listed as active with a profile link.
	w = e.get("/admin/benutzer", ac)
	wantBody(t, w, "users after approval", "Warten auf Freischaltung (0)", "Zurzeit warten keine Registrierungen",
		fmt.Sprintf(`<a href="/u/%d">Petra Prüfer</a>`, petra.ID))
	// Approving twice is refused like an unknown account.
	wantStatus(t, e.post(fmt.Sprintf("/admin/benutzer/%d/freischalten", petra.ID), nil, ac), http.StatusNotFound, "approve twice")
	if woke != 1 {
		t.Errorf("MailWake called %d times after a refused approval, want 1", woke)
	}

	w = e.get("/admin/protokoll", ac)
	wantBody(t, w, "audit page", "Konto freigeschaltet", fmt.Sprintf(`<a href="/u/%d">Benutzerkonto %d</a>`, petra.ID, petra.ID), adm.DisplayName)
}

func TestAdminUsersFilterAndPaging(t *testing.T) {
	e, _, ac := adminTestEnv(t)
	ctx := context.Background()
	for i := 1; i <= 55; i++ {
		if _, err := e.db.CreateUser(ctx, store.NewUser{Email: fmt.Sprintf("mitglied%02d@stadt-beispiel.de", i), DisplayName: fmt.Sprintf("Mitglied %02d", i),
			Role: store.RoleMember, OrgType: "stadt", Status: store.StatusActive}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	adminApprovalUser(t, e, "petra@beispielhausen.de", "Petra Prüfer")

	w := e.get("/admin/benutzer", ac)
	wantBody(t, w, "all users", "57 Benutzerkonten", "Seite 1 von 2", `href="/admin/benutzer?seite=2"`, "Mitglied 55")
	if strings.Contains(w.Body.String(), "Mitglied 01<") {
		t.Error("page 1 shows the oldest member; want newest first")
	}

	w = e.get("/admin/benutzer?rolle=admin", ac)
	wantStatus(t, w, http.StatusOK, "admins")
	wantBody(t, w, "admins", "1 Benutzerkonto", "erika.mustermann@kreis-musterland.de", `<option value="admin" selected>`, "Filter zurücksetzen")
	if strings.Contains(w.Body.String(), "mitglied") {
		t.Error("role filter admin lists members")
	}

	w = e.get("/admin/benutzer?status=approval", ac)
	wantBody(t, w, "approval status", "1 Benutzerkonto", "<td>Wartet auf Freischaltung</td>")

	w = e.get("/admin/benutzer?rolle=member&status=active", ac)
	wantBody(t, w, "active members", "55 Benutzerkonten", `href="/admin/benutzer?rolle=member&amp;status=active&amp;seite=2"`)
	w = e.get("/admin/benutzer?rolle=member&status=active&seite=2", ac)
	wantStatus(t, w, http.StatusOK, "active members page 2")
	wantBody(t, w, "active members page 2", "Mitglied 01", "Seite 2 von 2", `href="/admin/benutzer?rolle=member&amp;status=active"`)
	wantStatus(t, e.get("/admin/benutzer?rolle=member&seite=3", ac), http.StatusNotFound, "page 3")

	// Unknown filter values are ignored, not passed to SQL.
	w = e.get("/admin/benutzer?rolle=kaiser&status='%20OR%201=1", ac)
	wantStatus(t, w, http.StatusOK, "unknown filter")
	wantBody(t, w, "unknown filter", "57 Benutzerkonten")
}

func TestAdminAuditLabels(t *testing.T) {
	e, adm, ac := adminTestEnv(t)
	anna := e.user("anna@kreis-musterland.de", "member")
	th := e.thread(anna, "umwelt", "Abfallkalender digital", "Wer bietet ihn online an?")
	wantStatus(t, e.post("/t/"+itoa(th.ID)+"/sperren", nil, ac), http.StatusSeeOther, "lock")
	w := e.get("/admin/protokoll", ac)
	wantBody(t, w, "audit page", "Thema gesperrt", fmt.Sprintf(`<a href="/t/%d">Thema %d</a>`, th.ID, th.ID), adm.DisplayName)

	vs := e.srv.auditViews("de", []store.AuditEntry{
		{Action: "post.delete", TargetType: "post", TargetID: 7},
		{Action: "widget.polish", TargetType: "widget", TargetID: 3, Detail: "blank"},
	})
	if v := vs[0]; v.ActionLabel != "Beitrag gelöscht" || v.TargetLabel != "Beitrag 7" || v.TargetURL != "/beitrag/7" {
		t.Errorf("auditViews(post.delete) = %+v", v)
	}
	if v := vs[1]; v.ActionLabel != "widget.polish" || v.TargetLabel != "widget 3" || v.TargetURL != "" || v.DetailLabel != "blank" {
		t.Errorf("auditViews(unknown code) = %+v, want the raw code and no link", v)
	}
}

func TestAdminAuditLimit(t *testing.T) {
	e, adm, ac := adminTestEnv(t)
	id := adminFieldID(t, e, "umwelt")
	for i := 0; i <= adminAuditLimit; i++ {
		if err := e.db.SetTopicFieldArchived(context.Background(), adm.ID, id, i%2 == 0); err != nil {
			t.Fatal(err)
		}
	}
	w := e.get("/admin/protokoll", ac)
	wantStatus(t, w, http.StatusOK, "long audit log")
	wantBody(t, w, "long audit log", fmt.Sprintf("Angezeigt werden die neuesten %d Einträge.", adminAuditLimit))
	if n := strings.Count(w.Body.String(), "<time "); n != adminAuditLimit {
		t.Errorf("audit page shows %d entries, want %d", n, adminAuditLimit)
	}
}

// TestAdminPagesTranslated renders every admin page, with data in every
// section, in both languages: no catalogue key may show through.
func TestAdminPagesTranslated(t *testing.T) {
	e, _, ac := adminTestEnv(t)
	adminApprovalUser(t, e, "petra@beispielhausen.de", "Petra Prüfer")
	bildung := itoa(adminFieldID(t, e, "bildung"))
	wantStatus(t, e.post("/admin/themenfelder/"+bildung+"/archivieren", nil, ac), http.StatusSeeOther, "archive")
	wantStatus(t, e.post("/admin/themenfelder/"+bildung+"/runter", nil, ac), http.StatusSeeOther, "move")
	rawKey := regexp.MustCompile(`\b(admin|flash|role|org_type)\.[a-z_]+|%!`)
	pages := []struct {
		method, path string
		form         url.Values
		status       int
	}{
		{http.MethodGet, "/admin/themenfelder", nil, http.StatusOK},
		{http.MethodGet, "/admin/themenfelder/neu", nil, http.StatusOK},
		{http.MethodGet, "/admin/themenfelder/" + bildung, nil, http.StatusOK},
		{http.MethodPost, "/admin/themenfelder/neu", url.Values{"name": {"Bildung"}, "slug": {"Falsch!"}}, http.StatusUnprocessableEntity},
		{http.MethodGet, "/admin/benutzer", nil, http.StatusOK},
		{http.MethodGet, "/admin/benutzer?rolle=member&status=approval", nil, http.StatusOK},
		{http.MethodGet, "/admin/protokoll", nil, http.StatusOK},
	}
	for _, lang := range []string{"de", "en"} {
		for _, p := range pages {
			w := e.do(req{method: p.method, path: p.path, form: p.form, cookie: ac, header: map[string]string{"Accept-Language": lang}})
			what := lang + " " + p.method + " " + p.path
			wantStatus(t, w, p.status, what)
			wantBody(t, w, what, `<html lang="`+lang+`">`, `<meta name="robots" content="noindex, nofollow">`, `class="breadcrumbs"`)
			if m := rawKey.FindString(w.Body.String()); m != "" {
				t.Errorf("%s: untranslated %q", what, m)
			}
		}
	}
}
