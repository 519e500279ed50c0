package faq

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// fixture is a database with the two fields familie-kind and umwelt, one
// user per role, a member question with an accepted and a plain answer, a
// discussion and a PM question with an official answer.
type fixture struct {
	db    *store.DB
	faq   *FAQ
	users map[string]*store.User // anonymous (nil), member, mod-here, mod-there, pm, admin
	field store.TopicField       // familie-kind

	question, discussion, pmq          store.Thread
	accepted, plain, official, opening int64 // post IDs
}

var today0 = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.EnsureTopicFields(ctx, []store.TopicField{{Slug: "familie-kind", Name: "Familie & Kind", Position: 10},
		{Slug: "umwelt", Name: "Umwelt", Position: 20}}); err != nil {
		t.Fatal(err)
	}
	fx := &fixture{db: db, faq: New(db), users: map[string]*store.User{"anonymous": nil}}
	fx.faq.SetClock(func() time.Time { return today0 })
	fx.field, _ = db.TopicFieldBySlug(ctx, "familie-kind")
	umwelt, _ := db.TopicFieldBySlug(ctx, "umwelt")
	for _, r := range []struct{ name, role string }{{"member", "member"}, {"mod-here", "moderator"}, {"mod-there", "moderator"},
		{"pm", "pm"}, {"admin", "admin"}} {
		u, err := db.CreateUser(ctx, store.NewUser{Email: r.name + "@kreis.de", DisplayName: r.name, Role: r.role, OrgType: "sonstige",
			Status: store.StatusActive}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		switch r.name {
		case "mod-here":
			err = db.SetModeratorFields(ctx, u.ID, []int64{fx.field.ID})
		case "mod-there":
			err = db.SetModeratorFields(ctx, u.ID, []int64{umwelt.ID})
		}
		if err != nil {
			t.Fatal(err)
		}
		if u, err = db.UserByID(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		fx.users[r.name] = &u
	}
	member, pm := fx.users["member"], fx.users["pm"]
	thread := func(kind, title string) (store.Thread, int64) {
		id, first, err := db.CreateThread(ctx, store.NewThread{TopicFieldID: fx.field.ID, AuthorID: member.ID, Kind: kind,
			Title: title, Slug: "s", Body: "Wie geht das?", BodyHTML: "<p>Wie geht das?</p>"})
		if err != nil {
			t.Fatal(err)
		}
		th, _ := db.ThreadByID(ctx, id)
		return th, first
	}
	reply := func(th store.Thread, u *store.User, body string) int64 {
		id, err := db.CreatePost(ctx, th.ID, u.ID, body, "<p>"+body+"</p>")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	fx.question, fx.opening = thread(store.KindQuestion, "Welche Software für die Kita-Platzvergabe?")
	fx.accepted = reply(fx.question, pm, "Das **Kita-Portal** des Landes.")
	fx.plain = reply(fx.question, pm, "Bei uns eine Excel-Liste.")
	if err := db.AcceptAnswer(ctx, member.ID, fx.question.ID, fx.accepted); err != nil {
		t.Fatal(err)
	}
	fx.question, _ = db.ThreadByID(ctx, fx.question.ID)
	fx.discussion, _ = thread(store.KindDiscussion, "Erfahrungen mit dem Kita-Portal")
	fx.pmq, _ = thread(store.KindPM, "Wer trägt die Betriebskosten?")
	fx.official = reply(fx.pmq, pm, "Das Land trägt die Kosten.")
	if err := db.MarkOfficial(ctx, pm.ID, fx.official, "OZG-PM"); err != nil {
		t.Fatal(err)
	}
	return fx
}

// draft creates a draft entry in familie-kind as mod-here.
func (fx *fixture) draft(t *testing.T) store.FAQEntry {
	t.Helper()
	e, err := fx.faq.Create(context.Background(), fx.users["mod-here"], "familie-kind",
		Input{Question: "Wie melde ich mein Kind an?", Answer: "Über das Portal."}, false)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// verdict names the outcome of an action for the table.
func verdict(err error) string {
	var ve *input.ValidationError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, auth.ErrForbidden):
		return "forbidden"
	case errors.Is(err, store.ErrNotFound):
		return "not found"
	case errors.As(err, &ve):
		return "invalid"
	}
	return err.Error()
}

// TestPermissions is the FAQ permission table: who may create, edit,
// publish, promote and read a draft. A draft is hidden from those who may
// not manage it (not found); a published entry is forbidden to change.
func TestPermissions(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	actions := map[string]func(u *store.User) error{
		"create": func(u *store.User) error {
			_, err := fx.faq.Create(ctx, u, "familie-kind", Input{Question: "Eine neue Frage?", Answer: "Antwort"}, false)
			return err
		},
		"edit draft": func(u *store.User) error {
			_, err := fx.faq.Update(ctx, u, fx.draft(t).ID, Input{Question: "Geänderte Frage?", Answer: "Neu"})
			return err
		},
		"edit published": func(u *store.User) error {
			e := fx.draft(t)
			if _, err := fx.faq.SetState(ctx, fx.users["admin"], e.ID, store.FAQPublished); err != nil {
				t.Fatal(err)
			}
			_, err := fx.faq.Update(ctx, u, e.ID, Input{Question: "Geänderte Frage?", Answer: "Neu"})
			return err
		},
		"publish": func(u *store.User) error {
			_, err := fx.faq.SetState(ctx, u, fx.draft(t).ID, store.FAQPublished)
			return err
		},
		"promote": func(u *store.User) error {
			e, err := fx.faq.Promote(ctx, u, fx.accepted, false)
			if err == nil { // make room for the next row
				_, err = fx.faq.SetState(ctx, u, e.ID, store.FAQArchived)
			}
			return err
		},
		"read draft": func(u *store.User) error {
			_, err := fx.faq.Entry(ctx, u, fx.draft(t).ID)
			return err
		},
		"history": func(u *store.User) error {
			_, _, err := fx.faq.Revisions(ctx, u, fx.draft(t).ID)
			return err
		},
	}
	want := map[string]map[string]string{
		"anonymous": {"create": "forbidden", "edit draft": "not found", "edit published": "forbidden", "publish": "not found",
			"promote": "forbidden", "read draft": "not found", "history": "not found"},
		"member": {"create": "forbidden", "edit draft": "not found", "edit published": "forbidden", "publish": "not found",
			"promote": "forbidden", "read draft": "not found", "history": "not found"},
		"mod-here": {"create": "ok", "edit draft": "ok", "edit published": "ok", "publish": "ok", "promote": "ok", "read draft": "ok", "history": "ok"},
		"mod-there": {"create": "forbidden", "edit draft": "not found", "edit published": "forbidden", "publish": "not found",
			"promote": "forbidden", "read draft": "not found", "history": "not found"},
		"pm": {"create": "forbidden", "edit draft": "not found", "edit published": "forbidden", "publish": "not found",
			"promote": "forbidden", "read draft": "not found", "history": "not found"},
		"admin": {"create": "ok", "edit draft": "ok", "edit published": "ok", "publish": "ok", "promote": "ok", "read draft": "ok", "history": "ok"},
	}
	for who, row := range want {
		for action, w := range row {
			t.Run(who+"/"+action, func(t *testing.T) {
				if got := verdict(actions[action](fx.users[who])); got != w {
					t.Errorf("%s as %s = %s, want %s", action, who, got, w)
				}
			})
		}
	}
	// Readers see published entries only, in every listing.
	e := fx.draft(t)
	for _, who := range []string{"anonymous", "member", "mod-there"} {
		_, es, err := fx.faq.Field(ctx, fx.users[who], "familie-kind")
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range es {
			if !x.Published() {
				t.Errorf("Field as %s lists the %s entry %d", who, x.State, x.ID)
			}
		}
	}
	_, es, _ := fx.faq.Field(ctx, fx.users["mod-here"], "familie-kind")
	found := false
	for _, x := range es {
		found = found || x.ID == e.ID
	}
	if !found {
		t.Error("Field as the field's moderator lacks the draft")
	}
}

// TestPromote: only the accepted answer of a question or the official
// answer of a PM question can be promoted, once; the entry is prefilled
// from the thread's title and the answer and links back.
func TestPromote(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	mod := fx.users["mod-here"]
	discussionReply, err := fx.db.CreatePost(ctx, fx.discussion.ID, fx.users["member"].ID, "Läuft gut.", "<p>Läuft gut.</p>")
	if err != nil {
		t.Fatal(err)
	}
	for name, postID := range map[string]int64{"plain answer": fx.plain, "the question itself": fx.opening, "discussion reply": discussionReply} {
		_, err := fx.faq.Promote(ctx, mod, postID, false)
		var ve *input.ValidationError
		if !errors.As(err, &ve) || ve.Fields["from_post"].Key != "faq.error.not_promotable" {
			t.Errorf("Promote(%s) = %v, want faq.error.not_promotable", name, err)
		}
	}
	if _, err := fx.faq.Promote(ctx, mod, 9999, false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Promote(missing post) = %v, want ErrNotFound", err)
	}

	e, err := fx.faq.Promote(ctx, mod, fx.accepted, false)
	if err != nil {
		t.Fatal(err)
	}
	if e.Question != fx.question.Title || e.Answer != "Das **Kita-Portal** des Landes." || !strings.Contains(e.AnswerHTML, "<strong>Kita-Portal</strong>") ||
		e.SourceThreadID != fx.question.ID || e.SourcePostID != fx.accepted || e.OwnerID != mod.ID || e.State != store.FAQDraft {
		t.Errorf("promoted entry = %+v", e)
	}
	_, err = fx.faq.Promote(ctx, mod, fx.accepted, false)
	var ve *input.ValidationError
	if !errors.As(err, &ve) || ve.Fields["from_post"].Key != "faq.error.already_promoted" {
		t.Errorf("promoting twice = %v, want faq.error.already_promoted", err)
	}

	o, err := fx.faq.Promote(ctx, fx.users["admin"], fx.official, true)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != store.FAQPublished || o.SourceOfficial != 1 || o.SourceOfficialBy != "OZG-PM" {
		t.Errorf("promoted official answer = %+v, want published with its official source", o)
	}
	// A withdrawn acceptance makes the answer unpromotable again.
	if err := fx.db.AcceptAnswer(ctx, fx.users["member"].ID, fx.question.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.faq.SetState(ctx, mod, e.ID, store.FAQArchived); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.faq.Promote(ctx, mod, fx.accepted, false); !errors.As(err, &ve) {
		t.Errorf("promoting an answer no longer accepted = %v, want a validation error", err)
	}
}

func TestValidation(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	mod := fx.users["mod-here"]
	tests := []struct {
		name  string
		field string
		in    Input
		want  map[string]string // field -> key
	}{
		{"ok with date", "familie-kind", Input{Question: "Eine Frage?", Answer: "Ja.", ReviewBy: "2026-05-04"}, nil},
		{"german date", "familie-kind", Input{Question: "Eine Frage?", Answer: "Ja.", ReviewBy: "31.12.2027"}, nil},
		{"short", "familie-kind", Input{Question: "Wie", Answer: "J"},
			map[string]string{"question": "error.input.too_short", "answer": "error.input.too_short"}},
		{"empty", "familie-kind", Input{}, map[string]string{"question": "error.input.required", "answer": "error.input.required"}},
		{"long question", "familie-kind", Input{Question: strings.Repeat("a", 201), Answer: "Ja."}, map[string]string{"question": "error.input.too_long"}},
		{"long answer", "familie-kind", Input{Question: "Eine Frage?", Answer: strings.Repeat("a", 20001)}, map[string]string{"answer": "error.input.too_long"}},
		{"past date", "familie-kind", Input{Question: "Eine Frage?", Answer: "Ja.", ReviewBy: "2026-05-03"}, map[string]string{"review_by": "faq.error.review_by_past"}},
		{"bad date", "familie-kind", Input{Question: "Eine Frage?", Answer: "Ja.", ReviewBy: "bald"}, map[string]string{"review_by": "faq.error.review_by_format"}},
		{"unknown field", "gibt-es-nicht", Input{Question: "Eine Frage?", Answer: "Ja."}, map[string]string{"topic_field": "faq.error.topic_field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fx.faq.Create(ctx, mod, tt.field, tt.in, false)
			var ve *input.ValidationError
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Create = %v, want ok", err)
				}
				return
			}
			if !errors.As(err, &ve) {
				t.Fatalf("Create = %v, want a validation error", err)
			}
			for f, k := range tt.want {
				if ve.Fields[f].Key != k {
					t.Errorf("field %s = %q, want %q", f, ve.Fields[f].Key, k)
				}
			}
		})
	}
	// A stored date that has passed may be saved again unchanged.
	e, err := fx.faq.Create(ctx, mod, "familie-kind", Input{Question: "Eine Frage?", Answer: "Ja.", ReviewBy: "2026-06-01"}, false)
	if err != nil {
		t.Fatal(err)
	}
	fx.faq.SetClock(func() time.Time { return today0.AddDate(0, 3, 0) })
	if _, err := fx.faq.Update(ctx, mod, e.ID, Input{Question: "Eine Frage?", Answer: "Ja, neu.", ReviewBy: "01.06.2026"}); err != nil {
		t.Errorf("Update keeping the passed review date = %v, want ok", err)
	}
}

func TestPatchAndMove(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	mod := fx.users["mod-here"]
	a, b := fx.draft(t), fx.draft(t)
	str := func(s string) *string { return &s }
	n := func(i int) *int { return &i }

	// A request that fails validation changes nothing.
	_, err := fx.faq.Patch(ctx, mod, a.ID, Patch{Question: str("Neue Frage?"), State: str("weg")})
	if verdict(err) != "invalid" {
		t.Fatalf("Patch with a bad state = %v", err)
	}
	if e, _ := fx.faq.Entry(ctx, mod, a.ID); e.Question != a.Question || e.Version != 1 {
		t.Errorf("after a refused patch the entry changed: %+v", e)
	}
	e, err := fx.faq.Patch(ctx, mod, a.ID, Patch{Question: str("Neue Frage?"), ReviewBy: str("2027-01-01"), State: str(store.FAQPublished), Position: n(2)})
	if err != nil {
		t.Fatal(err)
	}
	if e.Question != "Neue Frage?" || e.Answer != a.Answer || e.Version != 2 || e.State != store.FAQPublished || e.Position != 2 ||
		e.ReviewBy.Format(time.DateOnly) != "2027-01-01" {
		t.Errorf("patched entry = %+v", e)
	}
	if e, _ = fx.faq.Patch(ctx, mod, a.ID, Patch{ReviewBy: str("")}); !e.ReviewBy.IsZero() || e.Version != 2 {
		t.Errorf("clearing the date = %+v", e)
	}
	if _, err := fx.faq.Patch(ctx, mod, a.ID, Patch{Position: n(0)}); verdict(err) != "invalid" {
		t.Errorf("position 0 = %v, want invalid", err)
	}
	if _, err := fx.faq.Patch(ctx, mod, a.ID, Patch{State: str(store.FAQArchived), Position: n(1)}); verdict(err) != "invalid" {
		t.Errorf("placing while archiving = %v, want invalid", err)
	}
	if e, _ := fx.faq.Move(ctx, mod, b.ID, +1); e.Position != 2 {
		t.Errorf("Move(b, down) = position %d, want 2", e.Position)
	}
	if e, _ := fx.faq.Move(ctx, mod, b.ID, +1); e.Position != 2 {
		t.Errorf("Move(b, down) at the end = position %d, want 2", e.Position)
	}
	if e, _ := fx.faq.Move(ctx, mod, b.ID, -5); e.Position != 1 {
		t.Errorf("Move(b, -5) = position %d, want 1", e.Position)
	}
}

// TestPromotableRefusesHiddenText: only text readers may see becomes FAQ.
func TestPromotableRefusesHiddenText(t *testing.T) {
	th := store.Thread{ID: 1, Kind: store.KindQuestion, AcceptedPostID: 2}
	ok := store.Post{ID: 2, ThreadID: 1, Number: 2}
	hidden, withheld, pending, deleted := ok, ok, ok, ok
	hidden.HiddenAt = time.Unix(1, 0)
	withheld.Withheld = true
	pending.Pending = true
	deleted.DeletedAt = time.Unix(1, 0)
	tests := []struct {
		name string
		p    store.Post
		want bool
	}{{"accepted", ok, true}, {"hidden", hidden, false}, {"withheld", withheld, false}, {"pending", pending, false}, {"deleted", deleted, false}}
	for _, tt := range tests {
		if got := Promotable(th, tt.p); got != tt.want {
			t.Errorf("Promotable(%s answer) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
