package store

import (
	"context"
	"slices"
	"strconv"
	"testing"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// takeQueue returns the queued changes as "kind:id" and empties the queue.
func takeQueue(t *testing.T, db *DB) []string {
	t.Helper()
	ctx := context.Background()
	qs, err := db.SearchQueue(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range qs {
		out = append(out, q.DocKind+":"+itoa(q.DocID))
	}
	if len(qs) > 0 {
		if err := db.DeleteSearchQueue(ctx, qs[len(qs)-1].ID); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestSearchQueueTriggers(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "a@x.de")
	mod := seedUser(t, db, "m@x.de")
	takeQueue(t, db)
	tid, p1, err := db.CreateThread(ctx, NewThread{TopicFieldID: fs[0].ID, AuthorID: u.ID, Kind: KindQuestion,
		Title: "Frage", Slug: "frage", Body: "Text", BodyHTML: "<p>Text</p>"})
	if err != nil {
		t.Fatal(err)
	}
	th, p, f := "thread:"+itoa(tid), "post:"+itoa(p1), func(id int64) string { return "post:" + itoa(id) }
	steps := []struct {
		what string
		do   func() error
		want []string
	}{
		{"create thread", func() error { return nil }, []string{p}},
		{"reply (question becomes answered)", func() error {
			_, err := db.CreatePost(ctx, tid, mod.ID, "Antwort", "<p>Antwort</p>")
			return err
		}, []string{f(p1 + 1), th}},
		{"second reply (status unchanged)", func() error {
			_, err := db.CreatePost(ctx, tid, mod.ID, "Noch eine", "<p>x</p>")
			return err
		}, []string{f(p1 + 2)}},
		{"vote (not indexed)", func() error { _, err := db.Vote(ctx, p1+1, u.ID, 1); return err }, nil},
		{"edit", func() error { return db.EditPost(ctx, p1, u.ID, "Neu", "<p>Neu</p>") }, []string{p}},
		{"hide post", func() error { return db.HidePost(ctx, mod.ID, p1+1, "Spam") }, []string{f(p1 + 1)}},
		{"delete post", func() error { return db.DeletePost(ctx, p1+2, mod.ID) }, []string{f(p1 + 2), th}},
		{"lock (not indexed)", func() error { return db.SetThreadLocked(ctx, mod.ID, tid, true) }, nil},
		{"retitle", func() error { return db.UpdateThreadTitle(ctx, tid, "Neuer Titel", "neu") }, []string{th}},
		{"move", func() error { return db.MoveThread(ctx, mod.ID, tid, fs[1].ID, "passt") }, []string{th}},
		{"hide thread", func() error { return db.ModerateThread(ctx, mod.ID, tid, ThreadHide, "weg") }, []string{th}},
		{"rename author", func() error { return db.UpdateProfile(ctx, u.ID, "Anna Neu", "", "sonstige", "") }, []string{"user:" + itoa(u.ID)}},
		{"FAQ entry", func() error {
			_, err := db.CreateFAQEntry(ctx, NewFAQEntry{TopicFieldID: fs[0].ID, OwnerID: mod.ID, Question: "F?", Answer: "A", AnswerHTML: "A"})
			return err
		}, []string{"faq:1"}},
		{"publish FAQ", func() error { return db.SetFAQState(ctx, mod.ID, 1, FAQPublished) }, []string{"faq:1"}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.what, err)
		}
		if got := takeQueue(t, db); !slices.Equal(got, s.want) {
			t.Errorf("%s: queued %v, want %v", s.what, got, s.want)
		}
	}
}

func TestSearchDocs(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "a@x.de")
	tid, p1, err := db.CreateThread(ctx, NewThread{TopicFieldID: fs[0].ID, AuthorID: u.ID, Kind: KindQuestion,
		Title: "Titel", Slug: "titel", Body: "Eins", BodyHTML: "x"})
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := db.CreatePost(ctx, tid, u.ID, "Zwei", "x")
	p3, _ := db.CreatePost(ctx, tid, u.ID, "Drei", "x")
	if err := db.HidePost(ctx, u.ID, p3, "Spam"); err != nil {
		t.Fatal(err)
	}
	docs, remove, err := db.SearchDocs(ctx, []QueuedChange{{DocKind: QueueThread, DocID: tid}, {DocKind: QueuePost, DocID: p2},
		{DocKind: QueuePost, DocID: 999}, {DocKind: QueueFAQ, DocID: 5}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.DocID())
		if d.Title != "Titel" || d.FieldSlug != fs[0].Slug || d.Status != StatusAnswered || d.AuthorName != u.DisplayName {
			t.Errorf("doc %s = %+v", d.DocID(), d)
		}
		if d.First != (d.PostID == p1) {
			t.Errorf("doc %s: First = %v", d.DocID(), d.First)
		}
	}
	slices.Sort(ids)
	slices.Sort(remove)
	if want := []string{PostDocID(p1), PostDocID(p2)}; !slices.Equal(ids, want) {
		t.Errorf("index %v, want %v", ids, want)
	}
	if want := []string{"f5", PostDocID(p3), PostDocID(999)}; !slices.Equal(remove, want) {
		t.Errorf("remove %v, want %v", remove, want)
	}

	// The full scan pages by key and skips what may not be shown.
	var scanned []string
	var batches int
	if err := db.ScanSearchDocs(ctx, 1, func(ds []SearchDoc) error {
		batches++
		for _, d := range ds {
			scanned = append(scanned, d.DocID())
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{PostDocID(p1), PostDocID(p2)}; !slices.Equal(scanned, want) || batches != 2 {
		t.Errorf("scan = %v in %d batches, want %v in 2", scanned, batches, want)
	}
	// Display: only what the viewer may see now.
	hits, err := db.SearchHits(ctx, Viewer{}, []int64{p1, p3}, nil)
	if err != nil || len(hits) != 1 || hits[PostDocID(p1)].Body != "Eins" {
		t.Errorf("SearchHits = %v, %v", hits, err)
	}
}

// TestSearchHitsPageLengths: the IN list is padded to a few lengths for
// the statement cache (inArgs); each page length around those, prepared
// or not (viewer with groups, or longer than maxPreparedIn), returns
// exactly the visible documents asked for, with duplicates and hidden
// posts in between.
func TestSearchHitsPageLengths(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "a@x.de")
	tid, first, err := db.CreateThread(ctx, NewThread{TopicFieldID: fs[0].ID, AuthorID: u.ID,
		Title: "Titel", Slug: "titel", Body: "0", BodyHTML: "0"})
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{first}
	for i := 1; i < 45; i++ {
		p, err := db.CreatePost(ctx, tid, u.ID, strconv.Itoa(i), strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p)
	}
	hidden := ids[3]
	if err := db.HidePost(ctx, u.ID, hidden, "Spam"); err != nil {
		t.Fatal(err)
	}
	viewers := map[string]Viewer{"visitor": {}, "with groups": {UserID: u.ID, Groups: []int64{7}}}
	for name, v := range viewers {
		for _, n := range []int{1, 7, 8, 9, 16, 17, 20, 32, 33, 45} {
			page := slices.Clone(ids[:n])
			if n > 2 {
				page[n-1] = page[0] // a duplicate must not matter
			}
			hits, err := db.SearchHits(ctx, v, page, nil)
			if err != nil {
				t.Fatalf("%s, %d IDs: %v", name, n, err)
			}
			want := map[string]bool{}
			for _, id := range page {
				if id != hidden {
					want[PostDocID(id)] = true
				}
			}
			if len(hits) != len(want) {
				t.Errorf("%s, %d IDs: %d hits, want %d", name, n, len(hits), len(want))
			}
			for id, d := range hits {
				if !want[id] || d.Body != strconv.Itoa(slices.Index(ids, d.PostID)) {
					t.Errorf("%s, %d IDs: unexpected hit %s (body %q)", name, n, id, d.Body)
				}
			}
		}
	}
}

func TestInArgs(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{1, 8}, {8, 8}, {9, 16}, {20, 32}, {33, 64}, {200, 256}} {
		ids := make([]int64, tc.n)
		for i := range ids {
			ids[i] = int64(i + 1)
		}
		args := inArgs(ids)
		if len(args) != tc.want || args[0] != int64(1) || args[tc.n-1] != int64(tc.n) || args[len(args)-1] != int64(tc.n) {
			t.Errorf("inArgs(%d IDs) = %v, want %d args ending in %d", tc.n, args, tc.want, tc.n)
		}
	}
}

// TestSearchQueueIDsNeverReused: the indexer reads rows after the last id
// it applied, so ids must keep growing after the queue was emptied.
func TestSearchQueueIDsNeverReused(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "a@x.de")
	post := func() int64 {
		t.Helper()
		if _, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: fs[0].ID, AuthorID: u.ID, Title: "T", Slug: "t",
			Body: "b", BodyHTML: "b"}); err != nil {
			t.Fatal(err)
		}
		_, maxID, err := db.SearchQueueStat(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return maxID
	}
	first := post()
	if err := db.DeleteSearchQueue(ctx, first); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := db.SearchQueueStat(ctx); n != 0 {
		t.Fatalf("queue not empty: %d", n)
	}
	if next := post(); next <= first {
		t.Errorf("queue id after emptying = %d, want > %d", next, first)
	}
	qs, err := db.SearchQueue(ctx, first, 10)
	if err != nil || len(qs) != 1 {
		t.Errorf("SearchQueue(after %d) = %v, %v", first, qs, err)
	}
}
