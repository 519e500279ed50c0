package seed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"kommunalforum/internal/forum"
	"kommunalforum/internal/markup"
	"kommunalforum/internal/store"
)

var syntheticUntil = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// newSynthetic generates a small data set into a fresh database and returns
// the store and the path of its file.
func newSynthetic(t *testing.T, cfg SyntheticConfig) (*store.DB, string, SyntheticSummary) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "forum.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.EnsureTopicFields(ctx, forum.DefaultTopicFields); err != nil {
		t.Fatal(err)
	}
	sum, err := Synthetic(ctx, db, cfg)
	if err != nil {
		t.Fatalf("Synthetic: %v", err)
	}
	return db, path, sum
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func sqlCount(t *testing.T, raw *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestSyntheticCountsConsistent(t *testing.T) {
	cfg := SyntheticConfig{Users: 200, Threads: 600, PostsPerThread: 5, Seed: 7, Until: syntheticUntil, Workers: 2}
	_, path, sum := newSynthetic(t, cfg)
	raw := rawDB(t, path)

	if sum.Posts != 600*5 || sum.Threads != 600 || sum.Users != 200 {
		t.Fatalf("summary = %d posts, %d threads, %d users; want 3000, 600, 200", sum.Posts, sum.Threads, sum.Users)
	}
	checks := []struct {
		name, q string
		want    int
	}{
		{"posts", `SELECT COUNT(*) FROM posts`, 3000},
		{"threads", `SELECT COUNT(*) FROM threads`, 600},
		{"post_count is the visible posts", `SELECT COUNT(*) FROM threads t WHERE post_count <> (SELECT COUNT(*) FROM posts p
			WHERE p.thread_id = t.id AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.approved = 1)`, 0},
		{"last_post_at is the newest visible post", `SELECT COUNT(*) FROM threads t WHERE last_post_at <> COALESCE((SELECT MAX(created_at)
			FROM posts p WHERE p.thread_id = t.id AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.approved = 1), created_at)`, 0},
		{"score is the sum of votes", `SELECT COUNT(*) FROM posts p WHERE score <> (SELECT COALESCE(SUM(value), 0) FROM votes v WHERE v.post_id = p.id)`, 0},
		{"accepted answer is a later post of the thread", `SELECT COUNT(*) FROM threads t WHERE accepted_post_id IS NOT NULL AND NOT EXISTS
			(SELECT 1 FROM posts p WHERE p.id = t.accepted_post_id AND p.thread_id = t.id AND p.id > (SELECT MIN(id) FROM posts WHERE thread_id = t.id))`, 0},
		{"answered PM questions have an official answer", `SELECT COUNT(*) FROM threads t WHERE kind = 'pm_question'
			AND (pm_status = 'beantwortet') <> EXISTS (SELECT 1 FROM posts p WHERE p.thread_id = t.id AND p.official_version > 0)`, 0},
		{"response time set exactly when answered", `SELECT COUNT(*) FROM threads WHERE kind = 'pm_question'
			AND (pm_status = 'beantwortet') <> (pm_answered_at IS NOT NULL)`, 0},
		{"official posts have their version row", `SELECT COUNT(*) FROM posts p WHERE official_version > 0
			AND NOT EXISTS (SELECT 1 FROM official_versions v WHERE v.post_id = p.id AND v.version = 1)`, 0},
		{"posts in order of time within a thread", `SELECT COUNT(*) FROM posts a JOIN posts b ON b.thread_id = a.thread_id AND b.id = a.id + 1
			WHERE b.created_at < a.created_at`, 0},
		{"every answer to a question has its event", `SELECT COUNT(*) FROM posts p JOIN threads t ON t.id = p.thread_id
			WHERE t.kind IN ('question', 'pm_question') AND p.id > (SELECT MIN(id) FROM posts WHERE thread_id = t.id)
			AND NOT EXISTS (SELECT 1 FROM events e WHERE e.kind = 'answer.created' AND e.post_id = p.id)`, 0},
		{"FAQ positions dense per field", `SELECT COUNT(*) FROM faq_entries e WHERE position > (SELECT COUNT(*) FROM faq_entries f
			WHERE f.topic_field_id = e.topic_field_id)`, 0},
		{"revisions of edited posts", `SELECT COUNT(*) FROM posts p WHERE (edited_at IS NOT NULL) <> EXISTS (SELECT 1 FROM post_revisions r WHERE r.post_id = p.id)`, 0},
	}
	for _, c := range checks {
		if got := sqlCount(t, raw, c.q); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// Every part of the data set is there.
	atLeast := []struct {
		name, q string
		min     int
	}{
		{"questions", `SELECT COUNT(*) FROM threads WHERE kind = 'question'`, 100},
		{"PM questions", `SELECT COUNT(*) FROM threads WHERE kind = 'pm_question'`, 30},
		{"official answers", `SELECT COUNT(*) FROM posts WHERE official_version > 0`, 15},
		{"accepted answers", `SELECT COUNT(*) FROM threads WHERE accepted_post_id IS NOT NULL`, 40},
		{"votes", `SELECT COUNT(*) FROM votes`, 500},
		{"FAQ entries", `SELECT COUNT(*) FROM faq_entries WHERE state = 'published'`, 48},
		{"hidden or deleted posts", `SELECT COUNT(*) FROM posts WHERE hidden_at IS NOT NULL OR deleted_at IS NOT NULL`, 3},
		{"threads in the protected area", `SELECT COUNT(*) FROM threads t JOIN topic_fields f ON f.id = t.topic_field_id WHERE f.group_id IS NOT NULL`, 8},
		{"threads in every open field", `SELECT COUNT(DISTINCT topic_field_id) FROM threads t JOIN topic_fields f ON f.id = t.topic_field_id WHERE f.group_id IS NULL`, 16},
		{"umlauts in posts", `SELECT COUNT(*) FROM posts WHERE body LIKE '%ä%' OR body LIKE '%ö%' OR body LIKE '%ü%' OR body LIKE '%ß%'`, 2000},
		{"lists in posts", `SELECT COUNT(*) FROM posts WHERE body_html LIKE '%<li>%'`, 300},
		{"links in posts", `SELECT COUNT(*) FROM posts WHERE body_html LIKE '%<a href=%'`, 100},
		{"code in posts", `SELECT COUNT(*) FROM posts WHERE body_html LIKE '%<code%'`, 300},
		{"a long thread", `SELECT MAX(post_count) FROM threads`, 100},
	}
	for _, c := range atLeast {
		if got := sqlCount(t, raw, c.q); got < c.min {
			t.Errorf("%s: %d, want at least %d", c.name, got, c.min)
		}
	}
	rows, err := raw.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check reports violations")
	}
	rows.Close()
	// body_html is what markup.Render makes of the body.
	rows, err = raw.Query(`SELECT id, body, body_html FROM posts WHERE id % 97 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body, html string
		if err := rows.Scan(&id, &body, &html); err != nil {
			t.Fatal(err)
		}
		if want := markup.Render(body); html != want {
			t.Fatalf("post %d: body_html = %q, want markup.Render(body) = %q", id, html, want)
		}
	}
	tg := sum.Targets
	if tg.Thread == "" || tg.DeepThread == "" || tg.DeepPage < 2 || tg.Question == "" || tg.Field == "" || len(tg.Writable) == 0 {
		t.Errorf("targets incomplete: %+v", tg)
	}
}

// digest hashes the rows a reader sees, in ID order.
func digest(t *testing.T, path string) string {
	t.Helper()
	raw := rawDB(t, path)
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, email, display_name, role, org_name, status, created_at FROM users ORDER BY id`,
		`SELECT id, topic_field_id, author_id, kind, title, post_count, last_post_at, COALESCE(accepted_post_id, 0), pm_status FROM threads ORDER BY id`,
		`SELECT id, thread_id, author_id, body, body_html, created_at, score, official_version FROM posts ORDER BY id`,
		`SELECT post_id, user_id, value FROM votes ORDER BY post_id, user_id`,
		`SELECT id, topic_field_id, question, position FROM faq_entries ORDER BY id`,
	} {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestSyntheticDeterministic(t *testing.T) {
	cfg := SyntheticConfig{Users: 80, Threads: 300, PostsPerThread: 4, Seed: 3, Until: syntheticUntil}
	_, a, _ := newSynthetic(t, cfg)
	cfg.Workers = 1 // another split of the work gives the same data
	_, b, _ := newSynthetic(t, cfg)
	if da, db := digest(t, a), digest(t, b); da != db {
		t.Fatalf("same seed, different data: %s vs %s", da, db)
	}
	cfg.Seed = 4
	_, c, _ := newSynthetic(t, cfg)
	if digest(t, a) == digest(t, c) {
		t.Fatal("seeds 3 and 4 gave the same data")
	}
}

func TestSyntheticRefusesNonEmptyForum(t *testing.T) {
	cfg := SyntheticConfig{Users: 80, Threads: 10, PostsPerThread: 2, Seed: 1, Until: syntheticUntil}
	db, _, _ := newSynthetic(t, cfg)
	if _, err := Synthetic(context.Background(), db, cfg); err == nil {
		t.Fatal("second Synthetic into the same database succeeded; want an error")
	}
}

// TestSyntheticReadsThroughStore reads a generated thread the way pages
// do, for a visitor and for a member of the protected area.
func TestSyntheticReadsThroughStore(t *testing.T) {
	cfg := SyntheticConfig{Users: 200, Threads: 400, PostsPerThread: 6, Seed: 11, Until: syntheticUntil}
	db, _, sum := newSynthetic(t, cfg)
	ctx := context.Background()
	var id int64
	fmt.Sscanf(sum.Targets.Thread, "/t/%d-", &id)
	th, err := db.ThreadByID(ctx, id)
	if err != nil {
		t.Fatalf("ThreadByID(%d): %v", id, err)
	}
	posts, total, err := db.Posts(ctx, id, 20, 0)
	if err != nil || len(posts) != 20 || total < 20 {
		t.Fatalf("Posts(%d) = %d posts of %d, %v; want a full page of 20", id, len(posts), total, err)
	}
	if th.PostCount > total {
		t.Errorf("PostCount %d > %d posts", th.PostCount, total)
	}
	for _, p := range posts {
		if !p.Deleted() && !p.Hidden() && p.BodyHTML == "" {
			t.Errorf("post %d has no HTML", p.ID)
		}
	}
	// The protected area: visitors see none of its threads, its members do.
	anon, err := db.LatestThreads(ctx, store.Viewer{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range anon {
		if x.FieldGroupID != 0 {
			t.Fatalf("visitor sees thread %d of the protected area", x.ID)
		}
	}
	u, err := db.UserByEmail(ctx, SyntheticWriterEmail)
	if err != nil || u.Role != store.RoleMember || u.Status != store.StatusActive {
		t.Fatalf("writer account = %+v, %v", u, err)
	}
	n, err := db.ApprovedPostCount(ctx, u.ID, 3)
	if err != nil || n < 3 {
		t.Fatalf("writer has %d approved posts, %v; want at least 3 (no approval queue)", n, err)
	}
}
