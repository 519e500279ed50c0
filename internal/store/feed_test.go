package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestFeedTokens walks a token's life: set, use (recorded at most hourly),
// replace, revoke, and the owner's account being disabled.
func TestFeedTokens(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	res, err := db.write.ExecContext(ctx, `INSERT INTO users (email, display_name, status, created_at, updated_at) VALUES ('a@b.de', 'A', 'active', 0, 0)`)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := res.LastInsertId()

	if _, err := db.FeedTokenOf(ctx, uid); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FeedTokenOf before any token: %v, want ErrNotFound", err)
	}
	if err := db.SetFeedToken(ctx, uid, "hash-1"); err != nil {
		t.Fatal(err)
	}
	use := func(hash string) error {
		t.Helper()
		u, err := db.UserByFeedToken(ctx, hash)
		if err == nil && u.ID != uid {
			t.Fatalf("UserByFeedToken(%s) = user %d, want %d", hash, u.ID, uid)
		}
		return err
	}
	if err := use("hash-1"); err != nil {
		t.Fatalf("UserByFeedToken: %v", err)
	}
	first := now
	now = now.Add(30 * time.Minute)
	if err := use("hash-1"); err != nil {
		t.Fatal(err)
	}
	tok, err := db.FeedTokenOf(ctx, uid)
	if err != nil || !tok.LastUsedAt.Equal(first) {
		t.Errorf("FeedTokenOf = %+v, %v; want last use %v (not rewritten within the hour)", tok, err, first)
	}
	now = now.Add(time.Hour)
	if err := use("hash-1"); err != nil {
		t.Fatal(err)
	}
	if tok, _ := db.FeedTokenOf(ctx, uid); !tok.LastUsedAt.Equal(now) {
		t.Errorf("last use %v, want %v after an hour", tok.LastUsedAt, now)
	}

	if err := db.SetFeedToken(ctx, uid, "hash-2"); err != nil {
		t.Fatal(err)
	}
	if err := use("hash-1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("replaced token: %v, want ErrNotFound", err)
	}
	if tok, _ := db.FeedTokenOf(ctx, uid); !tok.LastUsedAt.IsZero() || !tok.CreatedAt.Equal(now) {
		t.Errorf("new token %+v, want created now and never used", tok)
	}
	if err := use("hash-2"); err != nil {
		t.Errorf("new token: %v", err)
	}
	if err := db.SetUserStatus(ctx, uid, StatusDisabled); err != nil {
		t.Fatal(err)
	}
	if err := use("hash-2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("token of a disabled account: %v, want ErrNotFound", err)
	}
	if err := db.DeleteFeedToken(ctx, uid); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteFeedToken(ctx, uid); !errors.Is(err, ErrNotFound) {
		t.Errorf("second revoke: %v, want ErrNotFound", err)
	}
}
