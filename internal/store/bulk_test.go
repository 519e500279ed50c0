package store

import (
	"context"
	"testing"
	"time"
)

// TestBulkFieldCounts loads threads of every kind and state through Bulk,
// which drops the field count triggers while it runs, and checks that every
// list's total afterwards equals a fresh count, and that the triggers are
// back for the writes that follow.
func TestBulkFieldCounts(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	asker := seedUser(t, db, "anna@kreis-musterland.de")
	helper := seedUser(t, db, "ben@kreis-musterland.de")
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	post := func(id, author int64) BulkPost {
		return BulkPost{ID: id, AuthorID: author, Body: "Text", BodyHTML: "<p>Text</p>", CreatedAt: at.Add(time.Duration(id) * time.Minute)}
	}
	official := post(9, helper.ID)
	official.Official = &BulkOfficial{ActorID: helper.ID, AnsweringBody: "Programmmanagement", At: official.CreatedAt}
	threads := []BulkThread{
		{ID: 1, TopicFieldID: fs[0].ID, Kind: KindDiscussion, Posts: []BulkPost{post(1, asker.ID), post(2, helper.ID)}},
		{ID: 2, TopicFieldID: fs[0].ID, Kind: KindQuestion, Posts: []BulkPost{post(3, asker.ID)}},                                        // unanswered
		{ID: 3, TopicFieldID: fs[0].ID, Kind: KindQuestion, Posts: []BulkPost{post(4, asker.ID), post(5, helper.ID)}},                    // answered
		{ID: 4, TopicFieldID: fs[1].ID, Kind: KindQuestion, Posts: []BulkPost{post(6, asker.ID), post(7, helper.ID)}, AcceptedPostID: 7}, // solved
		{ID: 5, TopicFieldID: fs[1].ID, Kind: KindPM, Posts: []BulkPost{post(8, asker.ID), official}},                                    // answered officially
		{ID: 6, TopicFieldID: fs[1].ID, Kind: KindPM, Posts: []BulkPost{post(10, asker.ID)}, PMAssigneeID: helper.ID, PMAssignedAt: at},  // in progress
	}
	b, err := db.BeginBulk(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range threads {
		th.AuthorID, th.Title, th.Slug, th.CreatedAt = asker.ID, "Frage zur Satzung", "frage", at
		if err := b.Thread(th); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	admin := Viewer{AllFields: true}
	check := func(when string) {
		t.Helper()
		for filter := range filterCountColumns {
			for _, field := range []int64{0, fs[0].ID, fs[1].ID} {
				f := ThreadFilter{FieldID: field, Filter: filter}
				_, got, err := db.ThreadsFiltered(ctx, admin, f, 1, 0)
				if err != nil {
					t.Fatal(err)
				}
				if want := filterCountByScan(t, db, admin, f); got != want {
					t.Errorf("%s: %s in field %d: %d, want %d", when, filter, field, got, want)
				}
			}
		}
	}
	check("after the load")
	if _, got, _ := db.ThreadsFiltered(ctx, admin, ThreadFilter{Filter: FilterUnanswered}, 1, 0); got != 2 {
		t.Errorf("unanswered after the load: %d, want 2 (threads 2 and 6)", got)
	}
	// The triggers are back: a new question counts at once.
	if _, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: fs[0].ID, AuthorID: asker.ID, Kind: KindQuestion,
		Title: "Noch eine Frage", Slug: "frage", Body: "Text", BodyHTML: "<p>Text</p>"}); err != nil {
		t.Fatal(err)
	}
	check("after a question written normally")
	if _, got, _ := db.ThreadsFiltered(ctx, admin, ThreadFilter{FieldID: fs[0].ID, Filter: FilterQuestions}, 1, 0); got != 3 {
		t.Errorf("questions in the first field: %d, want 3", got)
	}
}
