package store

import (
	"context"
	"testing"
	"time"
)

func TestIdempotencyReservation(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	uid := seedUser(t, db, "anna@kreis-musterland.de").ID

	reserve := func(key, hash string, want int) IdempotentResponse {
		t.Helper()
		got, resp, err := db.ReserveIdempotencyKey(ctx, uid, key, hash)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("reserve %s/%s = %d, want %d", key, hash, got, want)
		}
		return resp
	}

	reserve("a", "h1", KeyReserved)
	reserve("a", "h1", KeyInFlight) // the first request is still running
	reserve("a", "h2", KeyMismatch)
	want := IdempotentResponse{Status: 201, ContentType: "application/json", Location: "/beitrag/7", Body: []byte(`{"id":7}`)}
	if err := db.FinishIdempotencyKey(ctx, uid, "a", want); err != nil {
		t.Fatal(err)
	}
	if got := reserve("a", "h1", KeyReplay); got.Status != want.Status || got.Location != want.Location || string(got.Body) != string(want.Body) {
		t.Errorf("replay = %+v, want %+v", got, want)
	}

	// A change made under the key marks it committed in its own
	// transaction; if the answer is then lost, a retry is refused.
	reserve("b", "h1", KeyReserved)
	if _, err := db.CreateUser(WithIdempotencyKey(ctx, uid, "b"), NewUser{Email: "cem@kreis-musterland.de", DisplayName: "Cem",
		Role: RoleMember, OrgType: "sonstige", Status: StatusActive}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.ReleaseIdempotencyKey(ctx, uid, "b"); err != nil {
		t.Fatal(err)
	}
	reserve("b", "h1", KeyLostAnswer)

	// An uncommitted reservation is released for a retry.
	reserve("c", "h1", KeyReserved)
	if err := db.ReleaseIdempotencyKey(ctx, uid, "c"); err != nil {
		t.Fatal(err)
	}
	reserve("c", "h1", KeyReserved)

	// A running reservation from before this process opened the database
	// belongs to a crashed process and is taken over.
	db.SetClock(func() time.Time { return time.Now().Add(-time.Hour) })
	reserve("d", "h1", KeyReserved)
	db.SetClock(time.Now)
	reserve("d", "h1", KeyReserved)

	// Keys expire after IdempotencyTTL.
	db.SetClock(func() time.Time { return time.Now().Add(IdempotencyTTL + time.Minute) })
	reserve("a", "h2", KeyReserved)
}

// TestLazySyncRestoresFull: the bookkeeping commits without an fsync of its
// own, and every later write is back at synchronous=FULL.
func TestLazySyncRestoresFull(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	uid := seedUser(t, db, "anna@kreis-musterland.de").ID
	if _, _, err := db.ReserveIdempotencyKey(ctx, uid, "k", "h"); err != nil {
		t.Fatal(err)
	}
	var mode int
	if err := db.write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Errorf("synchronous after the lazy commit = %d, want 2 (FULL)", mode)
	}
}
