package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSessionIdleTimeout(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	u := seedUser(t, db, "anna@kreis-musterland.de")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	if err := db.CreateSession(ctx, u.ID, "h", now.Add(720*time.Hour)); err != nil {
		t.Fatal(err)
	}
	idle := 72 * time.Hour
	steps := []struct {
		after time.Duration
		ok    bool
	}{
		{time.Hour, true},       // used: the idle clock restarts
		{71 * time.Hour, true},  // just inside the idle window after the last use
		{71 * time.Hour, true},  // again: each use extends it
		{73 * time.Hour, false}, // unused too long
		{time.Minute, false},    // and it stays ended
	}
	for i, s := range steps {
		now = now.Add(s.after)
		_, err := db.UserBySessionIdle(ctx, "h", idle)
		if (err == nil) != s.ok {
			t.Fatalf("step %d (+%s): err = %v, want ok=%v", i, s.after, err, s.ok)
		}
		if !s.ok && !errors.Is(err, ErrNotFound) {
			t.Fatalf("step %d: err = %v, want ErrNotFound", i, err)
		}
	}

	// The absolute lifetime holds however often the session is used.
	if err := db.CreateSession(ctx, u.ID, "k", now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		now = now.Add(59 * time.Minute)
		db.UserBySessionIdle(ctx, "k", idle)
	}
	if _, err := db.UserBySessionIdle(ctx, "k", idle); !errors.Is(err, ErrNotFound) {
		t.Errorf("after the absolute lifetime: %v, want ErrNotFound", err)
	}
}

func TestSessionsEndOnRightsChange(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	tests := []struct {
		name, update string
	}{
		{"role change", `UPDATE users SET role = 'moderator' WHERE id = ?`},
		{"disabled", `UPDATE users SET status = 'disabled' WHERE id = ?`},
		{"suspended", `UPDATE users SET suspended_until = 9999999999999 WHERE id = ?`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := seedUser(t, db, "user"+string(rune('a'+i))+"@kreis-musterland.de")
			if err := db.CreateSession(ctx, u.ID, "s"+tt.name, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, err := db.write.ExecContext(ctx, tt.update, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UserBySession(ctx, "s"+tt.name); !errors.Is(err, ErrNotFound) {
				t.Errorf("session after %s: %v, want ended", tt.name, err)
			}
		})
	}
	// Changes that do not touch rights keep the session.
	u := seedUser(t, db, "keep@kreis-musterland.de")
	if err := db.CreateSession(ctx, u.ID, "keep", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE users SET display_name = 'Neu', role = role WHERE id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UserBySession(ctx, "keep"); err != nil {
		t.Errorf("session after a name change: %v, want kept", err)
	}
}
