package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestProtectedAreaVisibility checks the one rule of protected areas on
// every read: a field restricted to a group, and everything in it, shows
// to the group's members and to administrators only.
func TestProtectedAreaVisibility(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	open, closed := fs[0], fs[1]
	author := seedUser(t, db, "author@x.de")
	outsider := seedUser(t, db, "outsider@x.de")
	mod := seedUser(t, db, "mod@x.de")

	g, err := db.CreateGroup(ctx, 0, "gremium", "Gremium intern")
	if err != nil {
		t.Fatal(err)
	}
	if added, err := db.AddGroupMember(ctx, 0, g.ID, author.ID); err != nil || !added {
		t.Fatalf("AddGroupMember = %v, %v", added, err)
	}
	if added, err := db.AddGroupMember(ctx, 0, g.ID, author.ID); err != nil || added {
		t.Fatalf("AddGroupMember again = %v, %v, want false", added, err)
	}
	if err := db.SetTopicFieldGroup(ctx, 0, closed.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	// A moderator of the restricted field who is no member moderates nothing there.
	if _, err := db.AddModerator(ctx, 0, closed.ID, mod.ID); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.UserByID(ctx, mod.ID); len(m.ModFields) != 0 {
		t.Errorf("ModFields of a non-member moderator = %v, want none", m.ModFields)
	}

	var secret, pm int64
	for _, f := range []TopicField{open, closed} {
		id, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: f.ID, AuthorID: author.ID, Kind: KindQuestion,
			Title: "Frage zur Gebührensatzung " + f.Slug, Slug: "frage", Body: "Text", BodyHTML: "<p>Text</p>"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreatePost(ctx, id, author.ID, "Antwort", "<p>Antwort</p>"); err != nil {
			t.Fatal(err)
		}
		pmID, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: f.ID, AuthorID: author.ID, Kind: KindPM,
			Title: "PM-Frage " + f.Slug, Slug: "pm", Body: "Text", BodyHTML: "<p>Text</p>"})
		if err != nil {
			t.Fatal(err)
		}
		e, err := db.CreateFAQEntry(ctx, NewFAQEntry{TopicFieldID: f.ID, OwnerID: author.ID, Question: "F " + f.Slug, Answer: "A", AnswerHTML: "<p>A</p>"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetFAQState(ctx, 0, e, FAQPublished); err != nil {
			t.Fatal(err)
		}
		secret, pm = id, pmID
	}
	faqID := int64(0)
	if es, _ := db.FAQEntriesByField(ctx, closed.ID, false); len(es) == 1 {
		faqID = es[0].ID
	}

	member, _ := db.UserByID(ctx, author.ID)
	out, _ := db.UserByID(ctx, outsider.ID)
	for _, tc := range []struct {
		name string
		v    Viewer
		sees bool
	}{
		{"anonymous", Viewer{}, false},
		{"non-member", Viewer{UserID: out.ID, Groups: out.Groups}, false},
		{"moderator without membership", Viewer{UserID: mod.ID, ModFields: []int64{closed.ID}}, false},
		{"member", Viewer{UserID: member.ID, Groups: member.Groups}, true},
		{"admin", Viewer{UserID: 99, ModAll: true, AllFields: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.v
			want := map[bool]int{false: 1, true: 2}[tc.sees]
			check := func(what string, got, want int) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %d, want %d", what, got, want)
				}
			}
			fields, _ := db.TopicFields(ctx, v, false)
			check("len(TopicFields)", len(fields), want)
			// The Go twin, which search applies to the list of all fields,
			// picks the same fields.
			all, _ := db.TopicFields(ctx, Viewer{AllFields: true}, false)
			var twin []TopicField
			for _, f := range all {
				if v.SeesFieldGroup(f.GroupID) {
					twin = append(twin, f)
				}
			}
			if !slices.EqualFunc(twin, fields, func(a, b TopicField) bool { return a.ID == b.ID }) {
				t.Errorf("SeesFieldGroup picks %v, TopicFields %v", twin, fields)
			}
			stats, _ := db.TopicFieldStats(ctx, v, false)
			check("len(TopicFieldStats)", len(stats), want)
			latest, _ := db.LatestThreads(ctx, v, 10)
			check("len(LatestThreads)", len(latest), 2*want)
			_, n, _ := db.ThreadsByField(ctx, v, closed.ID, 10, 0)
			check("ThreadsByField(closed) total", n, 2*(want-1))
			_, n, _ = db.ThreadsFiltered(ctx, v, ThreadFilter{Filter: FilterQuestions}, 10, 0)
			check("ThreadsFiltered total", n, 2*want)
			_, n, _ = db.PMQuestions(ctx, v, 10, 0)
			check("PMQuestions total", n, want)
			_, n, _ = db.PMQueue(ctx, v, PMFilter{}, db.now(), 10, 0)
			check("PMQueue total", n, want)
			byAuthor, _ := db.ThreadsByAuthor(ctx, v, author.ID, 10)
			check("len(ThreadsByAuthor)", len(byAuthor), 2*want)
			answers, _ := db.AnswersByAuthor(ctx, v, author.ID, 10)
			check("len(AnswersByAuthor)", len(answers), want)
			questions, _, _, _ := db.UserQAStats(ctx, v, author.ID)
			check("UserQAStats questions", questions, 2*want)
			overview, _ := db.FAQOverview(ctx, v)
			check("len(FAQOverview)", len(overview), want)

			_, err := db.ThreadFor(ctx, v, secret)
			_, ferr := db.TopicFieldFor(ctx, v, closed.Slug)
			_, eerr := db.FAQEntryByID(ctx, v, faqID)
			_, perr := db.ThreadFor(ctx, v, pm)
			for what, err := range map[string]error{"ThreadFor": err, "TopicFieldFor": ferr, "FAQEntryByID": eerr, "ThreadFor(pm)": perr} {
				if tc.sees != (err == nil) || (err != nil && !errors.Is(err, ErrNotFound)) {
					t.Errorf("%s = %v, want visible %v", what, err, tc.sees)
				}
			}
		})
	}

	// The public PM statistics count open fields only, for everyone.
	stats, err := db.PMStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if all := stats[len(stats)-1]; all.Total() != 1 {
		t.Errorf("PMStats total = %d, want 1 (the open field's question)", all.Total())
	}

	if err := db.RemoveGroupMember(ctx, 0, g.ID, author.ID); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.UserByID(ctx, author.ID); len(u.Groups) != 0 {
		t.Errorf("Groups after removal = %v", u.Groups)
	}
	if err := db.RemoveGroupMember(ctx, 0, g.ID, author.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("RemoveGroupMember again = %v, want ErrNotFound", err)
	}
	if _, err := db.CreateGroup(ctx, 0, "gremium", "Doppelt"); !errors.Is(err, ErrConflict) {
		t.Errorf("CreateGroup duplicate = %v, want ErrConflict", err)
	}
}
