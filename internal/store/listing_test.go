package store

import (
	"context"
	"testing"
)

// TestTopicFieldCountsFollowEveryChange: the trigger-kept thread counts
// (migration 0014) agree with a fresh count after creating, hiding,
// unhiding, moving and approving threads.
func TestTopicFieldCountsFollowEveryChange(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	a, b := fs[0].ID, fs[1].ID
	u := seedUser(t, db, "anna@kreis-musterland.de")
	var ids []int64
	for range 4 {
		ids = append(ids, seedThread(t, db, u.ID, a, "Thema", "Text"))
	}
	pending, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: b, AuthorID: u.ID, Title: "Neu", Slug: "neu", Body: "x", BodyHTML: "x", Pending: true})
	if err != nil {
		t.Fatal(err)
	}
	check := func(step string) {
		t.Helper()
		stats, err := db.TopicFieldStats(ctx, Viewer{AllFields: true}, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range stats {
			var want int
			db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM threads t WHERE t.topic_field_id = ? AND `+listed, f.ID).Scan(&want)
			if f.ThreadCount != want {
				t.Errorf("%s: field %s counts %d threads, a fresh count says %d", step, f.Slug, f.ThreadCount, want)
			}
			_, total, err := db.ThreadsFiltered(ctx, Viewer{AllFields: true}, ThreadFilter{FieldID: f.ID}, 10, 0)
			if err != nil || total != want {
				t.Errorf("%s: field list total of %s = %d, %v; want %d", step, f.Slug, total, err, want)
			}
		}
	}
	check("created")
	if err := db.ModerateThread(ctx, u.ID, ids[0], ThreadHide, "Test"); err != nil {
		t.Fatal(err)
	}
	check("hidden")
	if err := db.ModerateThread(ctx, u.ID, ids[0], ThreadUnhide, ""); err != nil {
		t.Fatal(err)
	}
	check("unhidden")
	if err := db.MoveThread(ctx, u.ID, ids[1], b, "Passt besser"); err != nil {
		t.Fatal(err)
	}
	check("moved")
	if _, err := db.write.ExecContext(ctx, `UPDATE threads SET approved = 1 WHERE id = ?`, pending); err != nil {
		t.Fatal(err)
	}
	check("approved")
	if _, err := db.write.ExecContext(ctx, `UPDATE threads SET deleted_at = 1 WHERE id = ?`, ids[2]); err != nil {
		t.Fatal(err)
	}
	check("deleted")
}
