package store

import (
	"context"
	"testing"
)

// filterCountByScan is the truth the trigger-kept counts of migrations 0014
// and 0015 stand in for: a COUNT(*) over every thread with the list's own
// condition.
func filterCountByScan(t *testing.T, db *DB, v Viewer, f ThreadFilter) int {
	t.Helper()
	where := listed + " AND " + threadFilters[f.Filter] + " AND " + v.SeesField("t.topic_field_id")
	var args []any
	switch {
	case f.AuthorID != 0:
		where += " AND t.author_id = ?"
		args = append(args, f.AuthorID)
	case f.FieldID != 0:
		where += " AND t.topic_field_id = ?"
		args = append(args, f.FieldID)
	default:
		where += " AND f.archived_at IS NULL"
	}
	var n int
	if err := db.read.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM threads t
		JOIN topic_fields f ON f.id = t.topic_field_id WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFilterCountsFollowEveryChange makes every kind of change that moves a
// thread into or out of a filtered list, one after the other, and after
// each compares every list's total with a fresh count, for readers who see
// the restricted field and for those who do not.
func TestFilterCountsFollowEveryChange(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	a, b := fs[0].ID, fs[1].ID
	asker := seedUser(t, db, "anna@kreis-musterland.de")
	helper := seedUser(t, db, "ben@kreis-musterland.de")
	leaver := seedUser(t, db, "clara@kreis-musterland.de")
	g, err := db.CreateGroup(ctx, 0, "gremium", "Gremium intern")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetTopicFieldGroup(ctx, 0, b, g.ID); err != nil {
		t.Fatal(err)
	}
	viewers := map[string]Viewer{
		"guest":  {},
		"member": {UserID: asker.ID, Groups: []int64{g.ID}},
		"admin":  {AllFields: true},
	}

	create := func(field int64, kind string, pending bool) (thread, post int64) {
		t.Helper()
		thread, post, err := db.CreateThread(ctx, NewThread{TopicFieldID: field, AuthorID: asker.ID, Kind: kind,
			Title: "Frage zur Satzung", Slug: "frage", Body: "Text", BodyHTML: "<p>Text</p>", Pending: pending})
		if err != nil {
			t.Fatal(err)
		}
		return thread, post
	}
	exec := func(q string, args ...any) error {
		_, err := db.write.ExecContext(ctx, q, args...)
		return err
	}
	// Threads the steps change; a few others stay put in both fields.
	create(a, KindDiscussion, false)
	create(b, KindQuestion, false)
	create(b, KindPM, false)
	var question, answer, pm, pmAnswer, duplicate, pendingThread, pendingPost, gone int64

	steps := []struct {
		name string
		do   func() error
	}{
		{"new question", func() error { question, _ = create(a, KindQuestion, false); return nil }},
		{"reply makes post_count 2", func() (err error) {
			answer, err = db.CreatePost(ctx, question, helper.ID, "Antwort", "<p>Antwort</p>")
			return err
		}},
		{"second reply", func() error {
			_, err := db.CreatePost(ctx, question, helper.ID, "Noch eine", "<p>Noch eine</p>")
			return err
		}},
		{"accept answer", func() error { return db.AcceptAnswer(ctx, asker.ID, question, answer) }},
		{"unaccept answer", func() error { return db.AcceptAnswer(ctx, asker.ID, question, 0) }},
		{"accept again", func() error { return db.AcceptAnswer(ctx, asker.ID, question, answer) }},
		{"new PM question", func() error { pm, _ = create(a, KindPM, false); return nil }},
		{"PM status in progress", func() error { return db.SetPMStatus(ctx, helper.ID, pm, PMWorking) }},
		{"PM reply", func() (err error) {
			pmAnswer, err = db.CreatePost(ctx, pm, helper.ID, "Amtlich", "<p>Amtlich</p>")
			return err
		}},
		{"PM answer official", func() error { return db.MarkOfficial(ctx, helper.ID, pmAnswer, "Programmleitung") }},
		{"PM status back to new", func() error { return exec(`UPDATE threads SET pm_status = ? WHERE id = ?`, PMNew, pm) }},
		{"new unanswered question", func() error { duplicate, _ = create(a, KindQuestion, false); return nil }},
		{"close as duplicate", func() error { return db.CloseDuplicate(ctx, helper.ID, duplicate, question) }},
		{"reopen", func() error { return db.CloseDuplicate(ctx, helper.ID, duplicate, 0) }},
		{"hide thread", func() error { return db.ModerateThread(ctx, helper.ID, question, ThreadHide, "Test") }},
		{"accept while hidden", func() error { return db.AcceptAnswer(ctx, asker.ID, question, 0) }},
		{"unhide thread", func() error { return db.ModerateThread(ctx, helper.ID, question, ThreadUnhide, "") }},
		{"move to the restricted field", func() error { return db.MoveThread(ctx, helper.ID, question, b, "Passt besser") }},
		{"move PM question back", func() error { return db.MoveThread(ctx, helper.ID, pm, b, "") }},
		{"archive field", func() error { return db.SetTopicFieldArchived(ctx, 0, a, true) }},
		{"unarchive field", func() error { return db.SetTopicFieldArchived(ctx, 0, a, false) }},
		{"pending question", func() error { pendingThread, pendingPost = create(b, KindQuestion, true); return nil }},
		{"approve pending question", func() error { return db.ApprovePost(ctx, helper.ID, pendingPost) }},
		{"reply to approved question", func() error {
			_, err := db.CreatePost(ctx, pendingThread, helper.ID, "Antwort", "<p>Antwort</p>")
			return err
		}},
		{"delete the only answer", func() error {
			posts, _, err := db.QuestionPosts(ctx, pendingThread, 10, 0)
			if err != nil {
				return err
			}
			return db.DeletePost(ctx, posts[len(posts)-1].ID, helper.ID)
		}},
		// An answered, unsolved question turning into a discussion leaves
		// unanswered and solved alone: only the kind tells.
		{"change answered question to discussion", func() error {
			return exec(`UPDATE threads SET kind = ? WHERE id = ?`, KindDiscussion, question)
		}},
		{"change it back to question", func() error { return exec(`UPDATE threads SET kind = ? WHERE id = ?`, KindQuestion, question) }},
		{"change kind to discussion", func() error { return exec(`UPDATE threads SET kind = ? WHERE id = ?`, KindDiscussion, duplicate) }},
		{"change kind to PM question", func() error {
			return exec(`UPDATE threads SET kind = ?, pm_status = ? WHERE id = ?`, KindPM, PMNew, duplicate)
		}},
		{"delete account with its threads", func() error {
			if _, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: a, AuthorID: leaver.ID, Kind: KindQuestion,
				Title: "Weg", Slug: "weg", Body: "x", BodyHTML: "x"}); err != nil {
				return err
			}
			return db.DeleteAccount(ctx, 0, leaver.ID, true)
		}},
		{"soft-delete a question", func() error { return exec(`UPDATE threads SET deleted_at = 1 WHERE id = ?`, pendingThread) }},
		{"remove a thread row", func() error {
			gone, _ = create(a, KindQuestion, false)
			// No store function removes a thread row; the trigger must
			// still hold. Rows that point at the thread go first.
			for _, q := range []string{`DELETE FROM notifications WHERE thread_id = ?`, `DELETE FROM events WHERE thread_id = ?`,
				`DELETE FROM subscriptions WHERE thread_id = ?`, `DELETE FROM thread_reads WHERE thread_id = ?`,
				`DELETE FROM posts WHERE thread_id = ?`, `DELETE FROM threads WHERE id = ?`} {
				if err := exec(q, gone); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for name, v := range viewers {
			for _, field := range []int64{0, a, b} {
				for filter := range threadFilters {
					f := ThreadFilter{FieldID: field, Filter: filter}
					_, total, err := db.ThreadsFiltered(ctx, v, f, 1, 0)
					if want := filterCountByScan(t, db, v, f); err != nil || total != want {
						t.Errorf("after %s: ThreadsFiltered(%s, field %d, %s) total = %d, %v; want %d",
							s.name, name, field, filter, total, err, want)
					}
				}
			}
		}
		// An author's list (profile page) still counts by scan.
		for filter := range threadFilters {
			f := ThreadFilter{AuthorID: asker.ID, Filter: filter}
			_, total, err := db.ThreadsFiltered(ctx, viewers["guest"], f, 1, 0)
			if want := filterCountByScan(t, db, viewers["guest"], f); err != nil || total != want {
				t.Errorf("after %s: ThreadsFiltered(guest, author %d, %s) total = %d, %v; want %d",
					s.name, asker.ID, filter, total, err, want)
			}
		}
	}
}
