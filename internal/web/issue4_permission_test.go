package web

import (
	"fmt"
	"testing"

	"kommunalforum/internal/store"
)

// TestIssue4APIPermissions is the one permission table of every API route
// of issue 4 (FAQs, moderation, protected areas) for the eight roles the
// issue names. "This field" is bildung, an open field moderated by
// mod-here; mod-there moderates umwelt. familie-kind is the protected
// area of the group "gremium" (group-member and mod-here are members).
// All callers use Bearer tokens; every request acts on fresh objects, so
// the rows do not depend on each other or on their order.
func TestIssue4APIPermissions(t *testing.T) {
	e := newGroupEnv(t)
	ctx := t.Context()
	bildung, querschnitt := e.bildung, mustField(t, e.testEnv, "querschnitt")
	// mod-here also moderates querschnitt, the target of moves out of bildung.
	if err := e.db.SetModeratorFields(ctx, e.modHere.ID, []int64{e.familie.ID, bildung.ID, querschnitt.ID}); err != nil {
		t.Fatal(err)
	}
	roles := []struct {
		name string
		u    *store.User
	}{{"anonymous", nil}, {"member", e.member}, {"group-member", e.groupMember}, {"mod-here", e.modHere},
		{"mod-there", e.modThere}, {"pm", e.pm}, {"admin", e.admin}, {"suspended", e.suspended}}
	bearer := map[string]map[string]string{}
	for _, r := range roles {
		if r.u != nil {
			bearer[r.name] = map[string]string{"Authorization": "Bearer " + e.token(r.u)}
		}
	}

	// Fresh objects, one per request.
	n := 0
	thread := func(f store.TopicField) (int64, int64) {
		t.Helper()
		n++
		tid, pid, err := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: f.ID, AuthorID: e.author.ID,
			Title: fmt.Sprintf("Schulanmeldung digital %d", n), Slug: "schulanmeldung-digital",
			Body: "Wie läuft die Anmeldung?", BodyHTML: "<p>Wie läuft die Anmeldung?</p>"})
		if err != nil {
			t.Fatal(err)
		}
		return tid, pid
	}
	faqEntry := func(f store.TopicField, publish bool) int64 {
		t.Helper()
		n++
		id, err := e.db.CreateFAQEntry(ctx, store.NewFAQEntry{TopicFieldID: f.ID, OwnerID: e.admin.ID,
			Question: fmt.Sprintf("Wie melde ich mein Kind an? %d", n), Answer: "Online.", AnswerHTML: "<p>Online.</p>",
			Publish: publish})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	threadPath := func(f store.TopicField, suffix string) func() string {
		return func() string { tid, _ := thread(f); return fmt.Sprintf("/api/v1/threads/%d/%s", tid, suffix) }
	}
	postPath := func(f store.TopicField, hidden bool, suffix string) func() string {
		return func() string {
			_, pid := thread(f)
			if hidden {
				if err := e.db.HidePost(ctx, e.admin.ID, pid, "Werbung"); err != nil {
					t.Fatal(err)
				}
			}
			return fmt.Sprintf("/api/v1/posts/%d/%s", pid, suffix)
		}
	}
	faqPath := func(f store.TopicField, publish bool) func() string {
		return func() string { return fmt.Sprintf("/api/v1/faqs/%d", faqEntry(f, publish)) }
	}
	fixed := func(p string) func() string { return func() string { return p } }
	// A published entry in each field, so the lists have something to show.
	faqEntry(bildung, true)
	faqEntry(e.familie, true)

	// Statuses in the order of roles: anonymous, member, group-member,
	// mod-here, mod-there, pm, admin, suspended.
	type want [8]int
	rows := []struct {
		name   string
		method string
		path   func() string
		json   func() string // nil: no body
		want   want
	}{
		// FAQs: reading is public in open fields, for the group (and admins) in protected ones;
		// writing is for the field's moderators and admins.
		{"faq list open field", "GET", fixed("/api/v1/faqs?topic_field=bildung"), nil, want{200, 200, 200, 200, 200, 200, 200, 200}},
		{"faq list protected field", "GET", fixed("/api/v1/faqs?topic_field=familie-kind"), nil, want{404, 404, 200, 200, 404, 404, 200, 404}},
		{"faq create open field", "POST", fixed("/api/v1/faqs"), jsonBody(`{"topic_field": "bildung", "question": "Wie beantrage ich BAföG online?", "answer": "Über BAföG Digital."}`),
			want{401, 403, 403, 201, 403, 403, 201, 403}},
		// A field the caller cannot see is an unknown topic_field (422), as for a missing one.
		{"faq create protected field", "POST", fixed("/api/v1/faqs"), jsonBody(`{"topic_field": "familie-kind", "question": "Wie beantrage ich Elterngeld?", "answer": "Online."}`),
			want{401, 422, 403, 201, 422, 422, 201, 422}},
		{"faq patch published", "PATCH", faqPath(bildung, true), jsonBody(`{"answer": "Über BAföG Digital, seit 2021."}`),
			want{401, 403, 403, 200, 403, 403, 200, 403}},
		{"faq patch draft", "PATCH", faqPath(bildung, false), jsonBody(`{"state": "published"}`),
			want{401, 404, 404, 200, 404, 404, 200, 404}},
		{"faq patch protected", "PATCH", faqPath(e.familie, true), jsonBody(`{"answer": "Geändert."}`),
			want{401, 404, 403, 200, 404, 404, 200, 404}},

		// Flags and the review queue.
		{"flag open field", "POST", postPath(bildung, false, "flags"), jsonBody(`{"reason": "spam"}`), want{401, 201, 201, 201, 201, 201, 201, 403}},
		{"flag protected field", "POST", postPath(e.familie, false, "flags"), jsonBody(`{"reason": "spam"}`), want{401, 404, 201, 201, 404, 404, 201, 404}},
		{"review", "GET", fixed("/api/v1/review"), nil, want{401, 404, 404, 200, 200, 404, 200, 404}},

		// Thread actions: the field's moderators and admins; 404 where the thread is invisible.
		{"lock", "POST", threadPath(bildung, "lock"), nil, want{401, 403, 403, 200, 403, 403, 200, 403}},
		{"unlock", "POST", threadPath(bildung, "unlock"), jsonBody(`{"reason": "Wieder offen"}`), want{401, 403, 403, 200, 403, 403, 200, 403}},
		{"pin", "POST", threadPath(bildung, "pin"), nil, want{401, 403, 403, 200, 403, 403, 200, 403}},
		{"unpin", "POST", threadPath(bildung, "unpin"), nil, want{401, 403, 403, 200, 403, 403, 200, 403}},
		{"lock protected", "POST", threadPath(e.familie, "lock"), nil, want{401, 404, 403, 200, 404, 404, 200, 404}},
		{"move", "POST", threadPath(bildung, "move"), jsonBody(`{"topic_field": "querschnitt"}`), want{401, 403, 403, 200, 403, 403, 200, 403}},
		{"move protected", "POST", threadPath(e.familie, "move"), jsonBody(`{"topic_field": "bildung"}`), want{401, 404, 403, 200, 404, 404, 200, 404}},

		// Post visibility.
		{"hide post", "POST", postPath(bildung, false, "hide"), jsonBody(`{"reason": "Werbung"}`), want{401, 403, 403, 200, 403, 403, 200, 403}},
		{"unhide post", "POST", postPath(bildung, true, "unhide"), nil, want{401, 403, 403, 200, 403, 403, 200, 403}},
		{"hide post protected", "POST", postPath(e.familie, false, "hide"), jsonBody(`{"reason": "Werbung"}`), want{401, 404, 403, 200, 404, 404, 200, 404}},

		// Suspensions: moderators of any field and admins; others 404.
		{"suspend", "POST", func() string { return fmt.Sprintf("/api/v1/users/%d/suspend", e.freshMember().ID) }, jsonBody(`{"until": null, "reason": "Wiederholt Werbung"}`),
			want{401, 404, 404, 200, 200, 404, 200, 404}},

		// Administration: moderators, groups and field access (others 403).
		{"assign moderator", "POST", fixed("/api/v1/topic-fields/bildung/moderators"), func() string { return fmt.Sprintf(`{"email": %q}`, e.freshMember().Email) },
			want{401, 403, 403, 403, 403, 403, 201, 403}},
		{"create group", "POST", fixed("/api/v1/groups"), func() string { n++; return fmt.Sprintf(`{"slug": "gruppe-%d", "name": "Gruppe %d"}`, n, n) },
			want{401, 403, 403, 403, 403, 403, 201, 403}},
		{"add group member", "POST", fixed("/api/v1/groups/gremium/members"), func() string { return fmt.Sprintf(`{"email": %q}`, e.freshMember().Email) },
			want{401, 403, 403, 403, 403, 403, 201, 403}},
		{"restrict field", "PATCH", fixed("/api/v1/topic-fields/umwelt"), jsonBody(`{"group": null}`), want{401, 403, 403, 403, 403, 403, 200, 403}},

		// The audit log.
		{"audit", "GET", fixed("/api/v1/audit"), nil, want{401, 404, 404, 200, 200, 404, 200, 404}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			for i, r := range roles {
				path, js := row.path(), ""
				if row.json != nil {
					js = row.json()
				}
				w := e.do(req{method: row.method, path: path, json: js, header: bearer[r.name]})
				if w.Code != row.want[i] {
					msg := w.Body.String()
					if len(msg) > 300 {
						msg = msg[:300]
					}
					t.Errorf("%s %s as %s = %d, want %d (%s)", row.method, path, r.name, w.Code, row.want[i], msg)
				}
			}
		})
	}
}

// jsonBody is a fixed JSON body for the permission table.
func jsonBody(s string) func() string { return func() string { return s } }

// mustField returns the topic field with the slug.
func mustField(t *testing.T, e *testEnv, slug string) store.TopicField {
	t.Helper()
	f, err := e.db.TopicFieldBySlug(t.Context(), slug)
	if err != nil {
		t.Fatalf("TopicFieldBySlug(%s): %v", slug, err)
	}
	return f
}
