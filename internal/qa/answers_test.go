package qa

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// answersEnv is a temp-file database with one topic field, an asker, an
// answerer, another member and a moderator of the field.
type answersEnv struct {
	db                           *store.DB
	qa                           *QA
	field                        int64
	asker, answerer, member, mod *store.User
}

func newAnswersEnv(t *testing.T) *answersEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.EnsureTopicFields(ctx, []store.TopicField{{Slug: "umwelt", Name: "Umwelt", Position: 10}}); err != nil {
		t.Fatal(err)
	}
	f, err := db.TopicFieldBySlug(ctx, "umwelt")
	if err != nil {
		t.Fatal(err)
	}
	e := &answersEnv{db: db, qa: New(db), field: f.ID}
	user := func(email, role string) *store.User {
		u, err := db.CreateUser(ctx, store.NewUser{Email: email, DisplayName: email, Role: role, OrgType: "sonstige",
			Status: store.StatusActive}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if role == store.RoleModerator {
			if err := db.SetModeratorFields(ctx, u.ID, []int64{f.ID}); err != nil {
				t.Fatal(err)
			}
		}
		u, err = db.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return &u
	}
	e.asker, e.answerer = user("asker@x.de", store.RoleMember), user("answerer@x.de", store.RoleMember)
	e.member, e.mod = user("member@x.de", store.RoleMember), user("mod@x.de", store.RoleModerator)
	return e
}

// question opens a thread of kind by the asker with one answer by the
// answerer; it returns the thread ID, the opening post and the answer.
func (e *answersEnv) question(t *testing.T, kind string) (threadID, opening, answer int64) {
	t.Helper()
	ctx := context.Background()
	tid, pid, err := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: e.field, AuthorID: e.asker.ID, Kind: kind,
		Title: "Frage", Slug: "frage", Body: "b", BodyHTML: "b"})
	if err != nil {
		t.Fatal(err)
	}
	aid, err := e.db.CreatePost(ctx, tid, e.answerer.ID, "a", "a")
	if err != nil {
		t.Fatal(err)
	}
	return tid, pid, aid
}

// wantInvalid fails unless err is a validation error on field with key.
func wantInvalid(t *testing.T, err error, field, key, what string) {
	t.Helper()
	var ve *input.ValidationError
	if !errors.As(err, &ve) || ve.Fields[field].Key != key {
		t.Errorf("%s = %v, want a validation error %s on %s", what, err, key, field)
	}
}

func TestVoteRules(t *testing.T) {
	e := newAnswersEnv(t)
	ctx := context.Background()
	_, opening, answer := e.question(t, store.KindQuestion)
	_, _, discussionReply := e.question(t, store.KindDiscussion)

	if s, err := e.qa.Vote(ctx, e.member, answer, 1); err != nil || s != 1 {
		t.Errorf("Vote(member, +1) = %d, %v; want 1", s, err)
	}
	if s, err := e.qa.Vote(ctx, e.asker, answer, -1); err != nil || s != 0 {
		t.Errorf("Vote(asker, -1) = %d, %v; want 0", s, err)
	}
	wantInvalid(t, func() error { _, err := e.qa.Vote(ctx, e.member, answer, 2); return err }(), "value", "qa.error.vote_value", "Vote(2)")
	for _, tt := range []struct {
		name string
		u    *store.User
		post int64
		want error
	}{
		{"own answer", e.answerer, answer, auth.ErrForbidden},
		{"the question itself", e.member, opening, auth.ErrForbidden},
		{"a discussion reply", e.member, discussionReply, auth.ErrForbidden},
		{"anonymous", nil, answer, auth.ErrForbidden},
		{"missing post", e.member, 9999, store.ErrNotFound},
	} {
		if _, err := e.qa.Vote(ctx, tt.u, tt.post, 1); !errors.Is(err, tt.want) {
			t.Errorf("Vote on %s = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestAcceptRules(t *testing.T) {
	e := newAnswersEnv(t)
	ctx := context.Background()
	tid, opening, answer := e.question(t, store.KindQuestion)
	_, _, foreign := e.question(t, store.KindQuestion)
	second, err := e.db.CreatePost(ctx, tid, e.member.ID, "b", "b")
	if err != nil {
		t.Fatal(err)
	}

	th, err := e.qa.Accept(ctx, e.asker, tid, answer)
	if err != nil || th.AcceptedPostID != answer || th.Status() != store.StatusSolved {
		t.Fatalf("Accept(asker) = %+v, %v", th, err)
	}
	if th, err = e.qa.Accept(ctx, e.mod, tid, second); err != nil || th.AcceptedPostID != second {
		t.Errorf("Accept(moderator changes it) = %d, %v; want %d", th.AcceptedPostID, err, second)
	}
	if _, err := e.qa.Accept(ctx, e.member, tid, answer); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("Accept(other member) = %v, want ErrForbidden", err)
	}
	if _, err := e.qa.Accept(ctx, e.answerer, tid, answer); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("Accept(answerer) = %v, want ErrForbidden", err)
	}
	for name, post := range map[string]int64{"another thread's post": foreign, "the question": opening, "a missing post": 9999} {
		_, err := e.qa.Accept(ctx, e.asker, tid, post)
		wantInvalid(t, err, "post_id", "qa.error.accept_post", "Accept("+name+")")
	}
	if th, err = e.qa.Accept(ctx, e.asker, tid, 0); err != nil || th.AcceptedPostID != 0 {
		t.Errorf("Accept(withdraw) = %d, %v", th.AcceptedPostID, err)
	}
	pmID, _, pmAnswer := e.question(t, store.KindPM)
	if _, err := e.qa.Accept(ctx, e.asker, pmID, pmAnswer); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("Accept on a PM question = %v, want ErrForbidden", err)
	}
	if _, err := e.qa.Accept(ctx, e.asker, 9999, answer); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Accept on a missing thread = %v, want ErrNotFound", err)
	}
}

func TestCloseDuplicateRules(t *testing.T) {
	e := newAnswersEnv(t)
	ctx := context.Background()
	a, _, _ := e.question(t, store.KindQuestion)
	b, _, _ := e.question(t, store.KindQuestion)
	c, _, _ := e.question(t, store.KindQuestion)
	disc, _, _ := e.question(t, store.KindDiscussion)

	if _, err := e.qa.CloseDuplicate(ctx, e.asker, b, a); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("CloseDuplicate(asker) = %v, want ErrForbidden", err)
	}
	th, err := e.qa.CloseDuplicate(ctx, e.mod, b, a)
	if err != nil || th.DuplicateOf != a {
		t.Fatalf("CloseDuplicate(b of a) = %+v, %v", th, err)
	}
	// c is a duplicate of b, which is a duplicate of a: c points to a.
	if th, err = e.qa.CloseDuplicate(ctx, e.mod, c, b); err != nil || th.DuplicateOf != a {
		t.Errorf("CloseDuplicate(c of b) = %d, %v; want the final question %d", th.DuplicateOf, err, a)
	}
	tests := []struct {
		name      string
		thread    int64
		canonical int64
		key       string
	}{
		{"itself", a, a, "qa.error.canonical_self"},
		{"a chain back to itself", a, b, "qa.error.canonical_self"},
		{"a discussion", a, disc, "qa.error.canonical_not_question"},
		{"a missing thread", a, 9999, "qa.error.canonical_missing"},
	}
	for _, tt := range tests {
		_, err := e.qa.CloseDuplicate(ctx, e.mod, tt.thread, tt.canonical)
		wantInvalid(t, err, "canonical", tt.key, "CloseDuplicate of "+tt.name)
	}
	if _, err := e.qa.CloseDuplicate(ctx, e.mod, disc, a); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("CloseDuplicate(discussion) = %v, want ErrForbidden", err)
	}
	if th, err = e.qa.CloseDuplicate(ctx, e.mod, b, 0); err != nil || th.DuplicateOf != 0 {
		t.Errorf("reopen = %d, %v", th.DuplicateOf, err)
	}
	// Reopening an open question changes nothing and records nothing.
	before, _ := e.db.EventsAfter(ctx, 0, 100)
	if _, err := e.qa.CloseDuplicate(ctx, e.mod, b, 0); err != nil {
		t.Fatal(err)
	}
	if after, _ := e.db.EventsAfter(ctx, 0, 100); len(after) != len(before) {
		t.Errorf("reopening an open question recorded %d events", len(after)-len(before))
	}
}

func TestParseThreadRef(t *testing.T) {
	tests := []struct {
		ref  string
		want int64
		key  string
	}{
		{"12", 12, ""},
		{" #12 ", 12, ""},
		{"/t/12-kita-software", 12, ""},
		{"t/12", 12, ""},
		{"https://forum.example.de/t/7-efa-dienst?seite=2#beitrag-9", 7, ""},
		{"/t/12/", 12, ""},
		{"", 0, "error.input.required"},
		{"kita", 0, "qa.error.canonical_ref"},
		{"/beitrag/12", 0, "qa.error.canonical_ref"},
		{"-3", 0, "qa.error.canonical_ref"},
		{"/t/abc", 0, "qa.error.canonical_ref"},
	}
	for _, tt := range tests {
		got, err := ParseThreadRef("canonical", tt.ref)
		if tt.key == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseThreadRef(%q) = %d, %v; want %d", tt.ref, got, err, tt.want)
			}
			continue
		}
		wantInvalid(t, err, "canonical", tt.key, "ParseThreadRef("+tt.ref+")")
	}
}
