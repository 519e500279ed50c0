package auth

import (
	"fmt"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

// TestQAPermissions is the one table of issue 3: who may vote on an
// answer, accept it, mark it official, assign the question and close it as
// a duplicate, for every role on a member question, a discussion and a PM
// question. The answer is written by "answerer"; the thread by "asker".
func TestQAPermissions(t *testing.T) {
	const field, otherField = 10, 20
	active := func(id int64, role string, modFields ...int64) *store.User {
		return &store.User{ID: id, Role: role, Status: store.StatusActive, ModFields: modFields}
	}
	users := map[string]*store.User{
		"anonymous": nil,
		"member":    active(1, store.RoleMember),
		"asker":     active(2, store.RoleMember),
		"answerer":  active(3, store.RoleMember),
		"mod-field": active(4, store.RoleModerator, field),
		"mod-other": active(5, store.RoleModerator, otherField),
		"pm":        active(6, store.RolePM),
		"admin":     active(7, store.RoleAdmin),
		"disabled":  {ID: 8, Role: store.RoleAdmin, Status: store.StatusDisabled},
	}
	thread := func(kind string) store.Thread {
		return store.Thread{ID: 100, TopicFieldID: field, AuthorID: 2, Kind: kind, PostCount: 2}
	}
	answer := store.Post{ID: 501, ThreadID: 100, AuthorID: 3, Number: 2}

	// want: vote, accept, official, assign, duplicate.
	type want struct{ vote, accept, official, assign, dup bool }
	tests := []struct {
		who  string
		kind string
		want want
	}{
		{"anonymous", store.KindQuestion, want{}},
		{"member", store.KindQuestion, want{vote: true}},
		{"asker", store.KindQuestion, want{vote: true, accept: true}},
		{"answerer", store.KindQuestion, want{}}, // never on one's own answer
		{"mod-field", store.KindQuestion, want{vote: true, accept: true, dup: true}},
		{"mod-other", store.KindQuestion, want{vote: true}},
		{"pm", store.KindQuestion, want{vote: true}},
		{"admin", store.KindQuestion, want{vote: true, accept: true, dup: true}},
		{"disabled", store.KindQuestion, want{}},

		// Discussions have no votes, accepted answers or duplicates.
		{"anonymous", store.KindDiscussion, want{}},
		{"member", store.KindDiscussion, want{}},
		{"asker", store.KindDiscussion, want{}},
		{"answerer", store.KindDiscussion, want{}},
		{"mod-field", store.KindDiscussion, want{}},
		{"mod-other", store.KindDiscussion, want{}},
		{"pm", store.KindDiscussion, want{}},
		{"admin", store.KindDiscussion, want{}},

		// PM questions: official answers instead of an accepted one.
		{"anonymous", store.KindPM, want{}},
		{"member", store.KindPM, want{vote: true}},
		{"asker", store.KindPM, want{vote: true}},
		{"answerer", store.KindPM, want{}},
		{"mod-field", store.KindPM, want{vote: true, dup: true}},
		{"mod-other", store.KindPM, want{vote: true}},
		{"pm", store.KindPM, want{vote: true, official: true, assign: true}},
		{"admin", store.KindPM, want{vote: true, dup: true}},
		{"disabled", store.KindPM, want{}},
	}
	for _, tt := range tests {
		t.Run(tt.who+" on "+tt.kind, func(t *testing.T) {
			u, th := users[tt.who], thread(tt.kind)
			got := want{
				vote:     CanVote(u, th, answer),
				accept:   CanAccept(u, th, answer),
				official: CanMarkOfficial(u, th, answer),
				assign:   CanAssign(u, th),
				dup:      CanCloseDuplicate(u, th),
			}
			if got != tt.want {
				t.Errorf("%s on a %s: got %s, want %s", tt.who, tt.kind, fmtWant(got), fmtWant(tt.want))
			}
			// Accepting is CanChooseAnswer narrowed to a real answer.
			if CanChooseAnswer(u, th) != tt.want.accept {
				t.Errorf("CanChooseAnswer(%s, %s) = %v, want %v", tt.who, tt.kind, !tt.want.accept, tt.want.accept)
			}
		})
	}

	// Nobody votes on or accepts the question itself, a deleted answer or
	// a post of another thread; nobody marks those official.
	question := store.Post{ID: 500, ThreadID: 100, AuthorID: 2, Number: 1}
	deleted := answer
	deleted.DeletedAt = time.Unix(1_780_000_000, 0)
	foreign := answer
	foreign.ThreadID = 999
	for name, p := range map[string]store.Post{"question": question, "deleted": deleted, "foreign": foreign} {
		for _, who := range []string{"member", "mod-field", "admin"} {
			if CanAccept(users[who], thread(store.KindQuestion), p) {
				t.Errorf("CanAccept(%s, %s post) = true", who, name)
			}
		}
		if CanMarkOfficial(users["pm"], thread(store.KindPM), p) {
			t.Errorf("CanMarkOfficial(pm, %s post) = true", name)
		}
		if name != "foreign" && CanVote(users["member"], thread(store.KindQuestion), p) {
			t.Errorf("CanVote(member, %s post) = true", name)
		}
	}

	// A question closed as duplicate takes no replies, not even from moderators.
	dup := thread(store.KindQuestion)
	dup.DuplicateOf = 1
	if CanReply(users["mod-field"], dup) || CanReply(users["asker"], dup) {
		t.Error("CanReply on a duplicate = true")
	}
	if !CanReply(users["member"], thread(store.KindQuestion)) {
		t.Error("CanReply(member, open question) = false")
	}
}

func fmtWant(w struct{ vote, accept, official, assign, dup bool }) string {
	return fmt.Sprintf("vote=%v accept=%v official=%v assign=%v duplicate=%v", w.vote, w.accept, w.official, w.assign, w.dup)
}

// TestEditOfficialAnswer: an official answer speaks for the programme
// management, so only pm users may change it, not even its author or a
// moderator of the field.
func TestEditOfficialAnswer(t *testing.T) {
	const field = 10
	th := store.Thread{ID: 100, TopicFieldID: field, AuthorID: 2, Kind: store.KindPM, PostCount: 2}
	official := store.Post{ID: 501, ThreadID: 100, AuthorID: 3, Number: 2, OfficialVersion: 1}
	plain := official
	plain.OfficialVersion = 0
	tests := []struct {
		who                  string
		u                    *store.User
		wantOfficial, wantPl bool
	}{
		{"author", &store.User{ID: 3, Role: store.RoleMember, Status: store.StatusActive}, false, true},
		{"moderator of the field", &store.User{ID: 4, Role: store.RoleModerator, Status: store.StatusActive, ModFields: []int64{field}}, false, true},
		{"pm", &store.User{ID: 6, Role: store.RolePM, Status: store.StatusActive}, true, false},
		{"admin", &store.User{ID: 7, Role: store.RoleAdmin, Status: store.StatusActive}, false, true},
	}
	for _, tt := range tests {
		if got := CanEditPost(tt.u, th, official); got != tt.wantOfficial {
			t.Errorf("CanEditPost(%s, official answer) = %v, want %v", tt.who, got, tt.wantOfficial)
		}
		if got := CanEditPost(tt.u, th, plain); got != tt.wantPl {
			t.Errorf("CanEditPost(%s, plain answer) = %v, want %v", tt.who, got, tt.wantPl)
		}
	}
}
