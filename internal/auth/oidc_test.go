package auth

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"kommunalforum/internal/store"
)

// The whole flow against a fake provider is tested in internal/web
// (oidc_test.go); these are the mapping rules on their own.

func TestOIDCMapRoles(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fields := []store.TopicField{{Slug: "familie-kind", Name: "Familie"}, {Slug: "bauen-wohnen", Name: "Bauen"},
		{Slug: "bildung", Name: "Bildung"}, {Slug: "bildung-beruf", Name: "Beruf"}}
	if err := db.EnsureTopicFields(ctx, fields); err != nil {
		t.Fatal(err)
	}
	id := map[string]int64{}
	for _, f := range fields {
		got, err := db.TopicFieldBySlug(ctx, f.Slug)
		if err != nil {
			t.Fatal(err)
		}
		id[f.Slug] = got.ID
	}
	o := NewOIDC(NewAccounts(db, nil, Policy{}), OIDCConfig{GroupAdmin: "kf-admins", GroupPM: "kf-pm", GroupModeratorPrefix: "kf-mod-"})
	cases := []struct {
		name   string
		groups []string
		want   *store.OIDCRoles // nil: role left as it is
	}{
		{"no groups", nil, nil},
		{"only unmapped groups", []string{"alle", "kf-mod-gibtesnicht"}, nil},
		{"moderator by slug", []string{"kf-mod-familie-kind"}, &store.OIDCRoles{Role: store.RoleModerator, FieldIDs: []int64{id["familie-kind"]}}},
		{"moderator by unique prefix", []string{"kf-mod-familie", "kf-mod-bauen"},
			&store.OIDCRoles{Role: store.RoleModerator, FieldIDs: []int64{id["familie-kind"], id["bauen-wohnen"]}}},
		{"exact slug beats prefix", []string{"kf-mod-bildung"}, &store.OIDCRoles{Role: store.RoleModerator, FieldIDs: []int64{id["bildung"]}}},
		{"keycloak full path", []string{"/kommunen/kf-pm"}, &store.OIDCRoles{Role: store.RolePM}},
		{"admin wins and keeps fields", []string{"kf-mod-bildung", "kf-pm", "kf-admins"},
			&store.OIDCRoles{Role: store.RoleAdmin, FieldIDs: []int64{id["bildung"]}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := o.mapRoles(ctx, tc.groups)
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tc.want == nil) || (got != nil && (got.Role != tc.want.Role || !slices.Equal(got.FieldIDs, tc.want.FieldIDs))) {
				t.Fatalf("mapRoles(%q) = %+v, want %+v", tc.groups, got, tc.want)
			}
		})
	}
}

func TestOIDCIdentityClaims(t *testing.T) {
	o := NewOIDC(nil, OIDCConfig{ClaimEmail: "mail", ClaimName: "name", ClaimOrg: "org", ClaimGroups: "groups"})
	ctx := context.Background()
	cases := []struct {
		name   string
		claims map[string]any
		ok     bool
		want   oidcIdentity
	}{
		{"verified boolean", map[string]any{"mail": " Anna@Kreis.DE ", "email_verified": true, "name": "Anna", "org": "Kreis"}, true,
			oidcIdentity{Email: "anna@kreis.de", EmailVerified: true, Name: "Anna", Org: "Kreis"}},
		{"verified as string", map[string]any{"mail": "b@kreis.de", "email_verified": "true", "name": "B"}, true,
			oidcIdentity{Email: "b@kreis.de", EmailVerified: true}}, // a one-letter name is dropped
		{"not verified", map[string]any{"mail": "c@kreis.de", "email_verified": false}, false, oidcIdentity{}},
		{"verified claim missing", map[string]any{"mail": "c@kreis.de"}, false, oidcIdentity{}},
		{"no email", map[string]any{"email_verified": true}, false, oidcIdentity{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := o.identity(ctx, "iss", "sub", tc.claims)
			if tc.ok != (err == nil) {
				t.Fatalf("identity(%v) err = %v, want ok=%v", tc.claims, err, tc.ok)
			}
			if !tc.ok {
				return
			}
			tc.want.Issuer, tc.want.Subject = "iss", "sub"
			if got != tc.want {
				t.Fatalf("identity(%v) = %+v, want %+v", tc.claims, got, tc.want)
			}
		})
	}
}
