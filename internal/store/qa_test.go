package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// qaThread opens a thread of the given kind by author and adds one reply
// per entry of repliers; it returns the thread ID and all post IDs in order.
func qaThread(t *testing.T, db *DB, fieldID int64, kind string, author User, repliers ...User) (int64, []int64) {
	t.Helper()
	ctx := context.Background()
	tid, pid, err := db.CreateThread(ctx, NewThread{TopicFieldID: fieldID, AuthorID: author.ID, Kind: kind,
		Title: "Frage " + kind, Slug: "frage", Body: "b", BodyHTML: "<p>b</p>"})
	if err != nil {
		t.Fatalf("CreateThread: %v", err)
	}
	ids := []int64{pid}
	for _, r := range repliers {
		id, err := db.CreatePost(ctx, tid, r.ID, "a", "<p>a</p>")
		if err != nil {
			t.Fatalf("CreatePost: %v", err)
		}
		ids = append(ids, id)
	}
	return tid, ids
}

// score reads a post's stored score and the sum of its vote rows.
func score(t *testing.T, db *DB, postID int64) (stored, sum int) {
	t.Helper()
	err := db.read.QueryRow(`SELECT score, (SELECT COALESCE(SUM(value), 0) FROM votes WHERE post_id = ?1) FROM posts WHERE id = ?1`,
		postID).Scan(&stored, &sum)
	if err != nil {
		t.Fatal(err)
	}
	return stored, sum
}

func TestVoteUpsertDeltaAndRemoval(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	asker, answerer := seedUser(t, db, "asker@x.de"), seedUser(t, db, "answerer@x.de")
	a, b := seedUser(t, db, "a@x.de"), seedUser(t, db, "b@x.de")
	_, ids := qaThread(t, db, fs[0].ID, KindQuestion, asker, answerer)
	post := ids[1]

	steps := []struct {
		user  User
		value int
		want  int
	}{
		{a, 1, 1},
		{a, 1, 1}, // the same vote again changes nothing
		{b, 1, 2},
		{a, -1, 0}, // changed: -2
		{b, 0, -1}, // removed
		{b, 0, -1}, // removing twice is harmless
		{a, 0, 0},
	}
	for i, s := range steps {
		got, err := db.Vote(ctx, post, s.user.ID, s.value)
		if err != nil {
			t.Fatalf("step %d: Vote(%d, %s, %d): %v", i, post, s.user.Email, s.value, err)
		}
		stored, sum := score(t, db, post)
		if got != s.want || stored != s.want || sum != s.want {
			t.Errorf("step %d: Vote(%s, %d) = %d (stored %d, sum of votes %d), want %d", i, s.user.Email, s.value, got, stored, sum, s.want)
		}
	}
	var rows int
	db.read.QueryRow(`SELECT COUNT(*) FROM votes`).Scan(&rows)
	if rows != 0 {
		t.Errorf("%d vote rows left after removing all votes", rows)
	}

	if _, err := db.Vote(ctx, post, a.ID, 2); err == nil {
		t.Error("Vote(value 2) succeeded, want an error")
	}
	if _, err := db.Vote(ctx, 9999, a.ID, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Vote(missing post) = %v, want ErrNotFound", err)
	}
	if err := db.DeletePost(ctx, post, answerer.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Vote(ctx, post, a.ID, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Vote(deleted post) = %v, want ErrNotFound", err)
	}
}

// TestVoteConcurrency is the quality bar of issue 3: parallel votes by
// different users all count; parallel repeats of one user's vote count once.
func TestVoteConcurrency(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	asker, answerer := seedUser(t, db, "asker@x.de"), seedUser(t, db, "answerer@x.de")
	_, ids := qaThread(t, db, fs[0].ID, KindQuestion, asker, answerer)
	post := ids[1]
	voters := make([]User, 50)
	for i := range voters {
		voters[i] = seedUser(t, db, fmt.Sprintf("voter%02d@x.de", i))
	}

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for _, v := range voters {
		wg.Go(func() {
			if _, err := db.Vote(ctx, post, v.ID, 1); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	if stored, sum := score(t, db, post); stored != 50 || sum != 50 {
		t.Errorf("after 50 parallel votes: score %d, sum of votes %d; want 50", stored, sum)
	}

	same := seedUser(t, db, "double@x.de")
	for range 10 {
		wg.Go(func() {
			if _, err := db.Vote(ctx, post, same.ID, 1); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("parallel Vote: %v", err)
	}
	if stored, sum := score(t, db, post); stored != 51 || sum != 51 {
		t.Errorf("after one user's vote sent 10 times in parallel: score %d, sum of votes %d; want 51", stored, sum)
	}
}

func TestMyVotes(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	asker, x, y := seedUser(t, db, "asker@x.de"), seedUser(t, db, "x@x.de"), seedUser(t, db, "y@x.de")
	_, ids := qaThread(t, db, fs[0].ID, KindQuestion, asker, x, y, x)
	db.Vote(ctx, ids[1], asker.ID, 1)
	db.Vote(ctx, ids[2], asker.ID, -1)
	db.Vote(ctx, ids[3], y.ID, 1)
	got, err := db.MyVotes(ctx, asker.ID, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[ids[1]] != 1 || got[ids[2]] != -1 {
		t.Errorf("MyVotes = %v, want {%d: 1, %d: -1}", got, ids[1], ids[2])
	}
	if got, err := db.MyVotes(ctx, asker.ID, nil); err != nil || len(got) != 0 {
		t.Errorf("MyVotes(no posts) = %v, %v", got, err)
	}
}

func TestQuestionPostsOrder(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	asker := seedUser(t, db, "asker@x.de")
	u := make([]User, 6)
	for i := range u {
		u[i] = seedUser(t, db, fmt.Sprintf("u%d@x.de", i))
	}
	// Posts 1 (question), 2..6 (answers).
	tid, ids := qaThread(t, db, fs[0].ID, KindQuestion, asker, u[0], u[1], u[2], u[3], u[4])
	// Scores: post 3 → 2, post 5 → 1, post 6 → 1; post 4 accepted; post 2 deleted.
	for _, v := range []struct {
		post  int64
		voter User
	}{{ids[2], u[4]}, {ids[2], u[5]}, {ids[4], u[5]}, {ids[5], u[5]}} {
		if _, err := db.Vote(ctx, v.post, v.voter.ID, 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AcceptAnswer(ctx, asker.ID, tid, ids[3]); err != nil {
		t.Fatal(err)
	}
	if err := db.DeletePost(ctx, ids[1], u[0].ID); err != nil {
		t.Fatal(err)
	}

	posts, total, err := db.QuestionPosts(ctx, tid, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []int64
	var gotNums []int
	for _, p := range posts {
		gotIDs = append(gotIDs, p.ID)
		gotNums = append(gotNums, p.Number)
	}
	wantIDs := []int64{ids[0], ids[3], ids[2], ids[4], ids[5], ids[1]}
	wantNums := []int{1, 4, 3, 5, 6, 2}
	if total != 6 || !slices.Equal(gotIDs, wantIDs) || !slices.Equal(gotNums, wantNums) {
		t.Errorf("QuestionPosts = ids %v numbers %v (total %d), want ids %v numbers %v (total 6)", gotIDs, gotNums, total, wantIDs, wantNums)
	}

	// A page further on keeps the order and the chronological numbers.
	page2, _, err := db.QuestionPosts(ctx, tid, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(page2) != 2 || page2[0].ID != ids[2] || page2[0].Number != 3 || page2[1].ID != ids[4] || page2[1].Number != 5 {
		t.Errorf("QuestionPosts page 2 = %+v", page2)
	}
	for i, id := range wantIDs {
		pos, err := db.QuestionPostPosition(ctx, tid, id)
		if err != nil || pos != i+1 {
			t.Errorf("QuestionPostPosition(%d) = %d, %v; want %d", id, pos, err, i+1)
		}
	}
	if _, err := db.QuestionPostPosition(ctx, tid, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("QuestionPostPosition(missing) = %v, want ErrNotFound", err)
	}
}

func TestAcceptAnswerRecordsEventAndAudit(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	asker, a, mod := seedUser(t, db, "asker@x.de"), seedUser(t, db, "a@x.de"), seedUser(t, db, "mod@x.de")
	tid, ids := qaThread(t, db, fs[0].ID, KindQuestion, asker, a, a)
	_, otherIDs := qaThread(t, db, fs[0].ID, KindQuestion, asker, a)

	if err := db.AcceptAnswer(ctx, asker.ID, tid, ids[1]); err != nil {
		t.Fatal(err)
	}
	if err := db.AcceptAnswer(ctx, asker.ID, tid, ids[1]); err != nil { // again: nothing happens
		t.Fatal(err)
	}
	if err := db.AcceptAnswer(ctx, mod.ID, tid, ids[2]); err != nil { // changed by a moderator
		t.Fatal(err)
	}
	th, _ := db.ThreadByID(ctx, tid)
	if th.AcceptedPostID != ids[2] || th.Status() != StatusSolved {
		t.Errorf("after accept: AcceptedPostID %d, Status %q; want %d, %q", th.AcceptedPostID, th.Status(), ids[2], StatusSolved)
	}
	for _, bad := range []int64{ids[0], otherIDs[1], 9999} {
		if err := db.AcceptAnswer(ctx, asker.ID, tid, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("AcceptAnswer(post %d) = %v, want ErrNotFound", bad, err)
		}
	}
	if err := db.AcceptAnswer(ctx, asker.ID, tid, 0); err != nil {
		t.Fatal(err)
	}
	th, _ = db.ThreadByID(ctx, tid)
	if th.AcceptedPostID != 0 || th.Status() != StatusAnswered {
		t.Errorf("after withdrawal: AcceptedPostID %d, Status %q", th.AcceptedPostID, th.Status())
	}

	es, _ := db.EventsAfter(ctx, 0, 100)
	var got []string
	for _, e := range es {
		if e.ThreadID == tid && (e.Kind == EventAnswerAccepted || e.Kind == EventAnswerUnaccepted) {
			got = append(got, fmt.Sprintf("%s %d %d %s", e.Kind, e.PostID, e.ActorID, e.Detail))
		}
	}
	want := []string{
		fmt.Sprintf("answer.accepted %d %d %d", ids[1], asker.ID, ids[1]),
		fmt.Sprintf("answer.accepted %d %d %d", ids[2], mod.ID, ids[2]),
		fmt.Sprintf("answer.unaccepted %d %d %d", ids[2], asker.ID, ids[2]),
	}
	if !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
	log, _ := db.AuditLog(ctx, 10)
	if len(log) != 1 || log[0].Action != "answer.accept" || log[0].ActorID != mod.ID || log[0].TargetID != tid {
		t.Errorf("AuditLog = %+v, want only the moderator's accept", log)
	}
}

func TestCloseDuplicate(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	asker, mod := seedUser(t, db, "asker@x.de"), seedUser(t, db, "mod@x.de")
	canonical, _ := qaThread(t, db, fs[0].ID, KindQuestion, asker)
	dup, _ := qaThread(t, db, fs[0].ID, KindQuestion, asker)

	if err := db.CloseDuplicate(ctx, mod.ID, dup, canonical); err != nil {
		t.Fatal(err)
	}
	if th, _ := db.ThreadByID(ctx, dup); th.DuplicateOf != canonical {
		t.Errorf("DuplicateOf = %d, want %d", th.DuplicateOf, canonical)
	}
	if _, err := db.CreatePost(ctx, dup, asker.ID, "x", "x"); !errors.Is(err, ErrDuplicate) {
		t.Errorf("CreatePost on duplicate = %v, want ErrDuplicate", err)
	}
	for _, bad := range []int64{canonical, 9999} { // itself, missing
		if err := db.CloseDuplicate(ctx, mod.ID, canonical, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("CloseDuplicate(canonical %d) = %v, want ErrNotFound", bad, err)
		}
	}
	if err := db.CloseDuplicate(ctx, mod.ID, dup, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePost(ctx, dup, asker.ID, "x", "x"); err != nil {
		t.Errorf("CreatePost after reopening = %v", err)
	}
	es, _ := db.EventsAfter(ctx, 0, 100)
	var got []string
	for _, e := range es {
		if e.Kind == EventDuplicate {
			got = append(got, e.Detail)
		}
	}
	if want := []string{fmt.Sprint(canonical), "0"}; !slices.Equal(got, want) {
		t.Errorf("question.duplicate details = %q, want %q", got, want)
	}
	log, _ := db.AuditLog(ctx, 10)
	if len(log) != 2 || log[0].Action != "question.reopen" || log[1].Action != "question.duplicate" {
		t.Errorf("AuditLog = %+v", log)
	}
}

func TestThreadsFiltered(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	f1, f2 := fs[0].ID, fs[1].ID
	asker, other := seedUser(t, db, "asker@x.de"), seedUser(t, db, "other@x.de")

	disc, _ := qaThread(t, db, f1, KindDiscussion, asker, other)
	open, _ := qaThread(t, db, f1, KindQuestion, asker)
	answered, _ := qaThread(t, db, f1, KindQuestion, asker, other)
	solved, solvedIDs := qaThread(t, db, f1, KindQuestion, asker, other)
	pmNew, _ := qaThread(t, db, f1, KindPM, asker)
	pmDone, _ := qaThread(t, db, f2, KindPM, other, other)
	dupOpen, _ := qaThread(t, db, f2, KindQuestion, other)
	deleted, _ := qaThread(t, db, f2, KindQuestion, other)
	if err := db.AcceptAnswer(ctx, asker.ID, solved, solvedIDs[1]); err != nil {
		t.Fatal(err)
	}
	if err := db.CloseDuplicate(ctx, asker.ID, dupOpen, open); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`UPDATE threads SET pm_status = 'beantwortet' WHERE id = ?`, pmDone); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`UPDATE threads SET deleted_at = 1 WHERE id = ?`, deleted); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		f    ThreadFilter
		want []int64 // newest activity first
	}{
		{ThreadFilter{}, []int64{dupOpen, pmDone, pmNew, solved, answered, open, disc}},
		{ThreadFilter{Filter: FilterAll, FieldID: f1}, []int64{pmNew, solved, answered, open, disc}},
		{ThreadFilter{Filter: FilterQuestions}, []int64{dupOpen, pmDone, pmNew, solved, answered, open}},
		{ThreadFilter{Filter: FilterQuestions, FieldID: f2}, []int64{dupOpen, pmDone}},
		{ThreadFilter{Filter: FilterUnanswered}, []int64{pmNew, open}},
		{ThreadFilter{Filter: FilterSolved}, []int64{pmDone, solved}},
		{ThreadFilter{Filter: FilterSolved, FieldID: f1}, []int64{solved}},
		{ThreadFilter{Filter: FilterDiscussions}, []int64{disc}},
		{ThreadFilter{Filter: FilterQuestions, AuthorID: other.ID}, []int64{dupOpen, pmDone}},
	}
	for _, tt := range tests {
		ts, total, err := db.ThreadsFiltered(ctx, Viewer{AllFields: true}, tt.f, 20, 0)
		if err != nil {
			t.Errorf("ThreadsFiltered(%+v): %v", tt.f, err)
			continue
		}
		var got []int64
		for _, th := range ts {
			got = append(got, th.ID)
		}
		if !slices.Equal(got, tt.want) || total != len(tt.want) {
			t.Errorf("ThreadsFiltered(%+v) = %v (total %d), want %v", tt.f, got, total, tt.want)
		}
	}

	// Paging keeps the total; an archived field drops out of the overall list.
	ts, total, _ := db.ThreadsFiltered(ctx, Viewer{AllFields: true}, ThreadFilter{Filter: FilterQuestions}, 2, 2)
	if total != 6 || len(ts) != 2 || ts[0].ID != pmNew {
		t.Errorf("page 2 of questions = %d threads (total %d)", len(ts), total)
	}
	if err := db.SetTopicFieldArchived(ctx, 0, f2, true); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := db.ThreadsFiltered(ctx, Viewer{AllFields: true}, ThreadFilter{Filter: FilterQuestions}, 20, 0); total != 4 {
		t.Errorf("questions with field 2 archived: total %d, want 4", total)
	}
	if _, total, _ := db.ThreadsFiltered(ctx, Viewer{AllFields: true}, ThreadFilter{FieldID: f2}, 20, 0); total != 2 {
		t.Errorf("archived field's own list: total %d, want 2", total)
	}
	if _, _, err := db.ThreadsFiltered(ctx, Viewer{AllFields: true}, ThreadFilter{Filter: "' OR 1=1"}, 20, 0); err == nil {
		t.Error("unknown filter accepted")
	}
}

func TestUserQAStatsAndAnswers(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	asker, a := seedUser(t, db, "asker@x.de"), seedUser(t, db, "a@x.de")
	q1, q1IDs := qaThread(t, db, fs[0].ID, KindQuestion, asker, a, a)
	_, _ = qaThread(t, db, fs[0].ID, KindPM, asker, a)
	_, _ = qaThread(t, db, fs[0].ID, KindDiscussion, asker, a) // a discussion reply is no answer
	_, _ = qaThread(t, db, fs[0].ID, KindQuestion, a)          // an own question's opening post is no answer
	if err := db.AcceptAnswer(ctx, asker.ID, q1, q1IDs[2]); err != nil {
		t.Fatal(err)
	}
	if err := db.DeletePost(ctx, q1IDs[1], a.ID); err != nil {
		t.Fatal(err)
	}

	q, ans, acc, err := db.UserQAStats(ctx, Viewer{AllFields: true}, a.ID)
	if err != nil || q != 1 || ans != 2 || acc != 1 {
		t.Errorf("UserQAStats(a) = %d, %d, %d, %v; want 1 question, 2 answers, 1 accepted", q, ans, acc, err)
	}
	q, ans, acc, _ = db.UserQAStats(ctx, Viewer{AllFields: true}, asker.ID)
	if q != 2 || ans != 0 || acc != 0 {
		t.Errorf("UserQAStats(asker) = %d, %d, %d; want 2, 0, 0", q, ans, acc)
	}
	as, err := db.AnswersByAuthor(ctx, Viewer{AllFields: true}, a.ID, 10)
	if err != nil || len(as) != 2 {
		t.Fatalf("AnswersByAuthor = %+v, %v; want 2", as, err)
	}
	if as[0].ThreadKind != KindPM || as[1].PostID != q1IDs[2] || !as[1].Accepted || as[1].ThreadTitle != "Frage question" {
		t.Errorf("AnswersByAuthor = %+v", as)
	}
}
