package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestOIDCLoginStateIsSingleUseAndExpires(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	ttl := 10 * time.Minute
	for _, s := range []string{"fresh", "stale"} {
		if err := db.CreateOIDCLogin(ctx, OIDCLogin{State: s, Nonce: "n-" + s, Verifier: "v-" + s, Next: "/t/1"}, ttl); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(ttl + time.Second) // both are now too old
	if _, err := db.TakeOIDCLogin(ctx, "stale", ttl); !errors.Is(err, ErrNotFound) {
		t.Fatalf("TakeOIDCLogin(expired) err = %v, want ErrNotFound", err)
	}
	if err := db.CreateOIDCLogin(ctx, OIDCLogin{State: "new", Nonce: "n", Verifier: "v", Next: "/"}, ttl); err != nil {
		t.Fatal(err)
	}
	l, err := db.TakeOIDCLogin(ctx, "new", ttl)
	if err != nil || l.Nonce != "n" || l.Verifier != "v" || l.Next != "/" {
		t.Fatalf("TakeOIDCLogin(new) = %+v, %v; want the stored login", l, err)
	}
	if _, err := db.TakeOIDCLogin(ctx, "new", ttl); !errors.Is(err, ErrNotFound) {
		t.Fatalf("TakeOIDCLogin(new) again err = %v, want ErrNotFound (single use)", err)
	}
	// Creating "new" swept "fresh", which had expired.
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM oidc_logins`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("oidc_logins rows = %d, %v; want 0 after sweep and use", n, err)
	}
}

func TestOIDCIdentityRolesAndAudit(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	if err := db.EnsureTopicFields(ctx, []TopicField{{Slug: "familie-kind", Name: "Familie"}, {Slug: "umwelt", Name: "Umwelt"}}); err != nil {
		t.Fatal(err)
	}
	fam, err := db.TopicFieldBySlug(ctx, "familie-kind")
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateOIDCUser(ctx, "https://idp", "sub-1", NewUser{Email: "anna@kreis.de", DisplayName: "Anna",
		OrgName: "Kreis", OrgType: "sonstige", Status: StatusActive}, &OIDCRoles{Role: RoleModerator, FieldIDs: []int64{fam.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != RoleModerator || !slices.Equal(u.ModFields, []int64{fam.ID}) || u.EmailVerifiedAt.IsZero() || u.PasswordHash != "" {
		t.Fatalf("CreateOIDCUser = role %s fields %v verified %v hash %q; want verified moderator of %d without password",
			u.Role, u.ModFields, u.EmailVerifiedAt, u.PasswordHash, fam.ID)
	}
	got, err := db.OIDCIdentityUser(ctx, "https://idp", "sub-1")
	if err != nil || got.ID != u.ID {
		t.Fatalf("OIDCIdentityUser = %d, %v; want %d", got.ID, err, u.ID)
	}
	if _, err := db.OIDCIdentityUser(ctx, "https://other-idp", "sub-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("OIDCIdentityUser(other issuer) err = %v, want ErrNotFound", err)
	}

	// A login with no mapped groups (nil roles) keeps role and fields and
	// leaves empty profile values alone.
	if err := db.RecordOIDCLogin(ctx, u.ID, "https://idp", OIDCProfile{OrgName: "Kreis Neu"}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.UserByID(ctx, u.ID)
	if got.Role != RoleModerator || got.DisplayName != "Anna" || got.OrgName != "Kreis Neu" {
		t.Fatalf("after login without roles: role %s name %q org %q", got.Role, got.DisplayName, got.OrgName)
	}
	// Admin group: role changes, fields follow the claim, the change is audited.
	if err := db.RecordOIDCLogin(ctx, u.ID, "https://idp", OIDCProfile{Roles: &OIDCRoles{Role: RoleAdmin}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.UserByID(ctx, u.ID)
	if got.Role != RoleAdmin {
		t.Fatalf("after admin login: role %s, want admin", got.Role)
	}
	log, err := db.AuditLog(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{"user.oidc_create", "user.oidc_login", "user.role"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit actions %v lack %s", actions, want)
		}
	}

	// Deleting the account drops the identity, so the next login starts afresh.
	if err := db.DeleteAccount(ctx, 0, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OIDCIdentityUser(ctx, "https://idp", "sub-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("OIDCIdentityUser after account deletion err = %v, want ErrNotFound", err)
	}
}

func TestOIDCPendingLink(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	u := seedUser(t, db, "bernd@stadt.de")
	ttl := 15 * time.Minute
	link := OIDCPendingLink{TokenHash: "h1", Issuer: "https://idp", Subject: "sub-2", UserID: u.ID, Claims: `{"x":1}`}
	if err := db.CreateOIDCPendingLink(ctx, link, ttl); err != nil {
		t.Fatal(err)
	}
	got, err := db.PendingOIDCLink(ctx, "h1", ttl)
	if err != nil || got.UserID != u.ID || got.Claims != `{"x":1}` {
		t.Fatalf("PendingOIDCLink = %+v, %v", got, err)
	}
	now = now.Add(ttl)
	if _, err := db.PendingOIDCLink(ctx, "h1", ttl); !errors.Is(err, ErrNotFound) {
		t.Fatalf("PendingOIDCLink(expired) err = %v, want ErrNotFound", err)
	}
	if _, err := db.LinkOIDCIdentity(ctx, "h1", ttl, OIDCProfile{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("LinkOIDCIdentity(expired) err = %v, want ErrNotFound", err)
	}
	// A new link for the same account replaces the old one.
	link.TokenHash = "h2"
	if err := db.CreateOIDCPendingLink(ctx, link, ttl); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LinkOIDCIdentity(ctx, "h2", ttl, OIDCProfile{DisplayName: "Bernd B."}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LinkOIDCIdentity(ctx, "h2", ttl, OIDCProfile{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("LinkOIDCIdentity used twice err = %v, want ErrNotFound", err)
	}
	linked, err := db.OIDCIdentityUser(ctx, "https://idp", "sub-2")
	if err != nil || linked.ID != u.ID || linked.DisplayName != "Bernd B." {
		t.Fatalf("OIDCIdentityUser after link = %+v, %v; want user %d named Bernd B.", linked, err, u.ID)
	}
}
