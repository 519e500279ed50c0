package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"kommunalforum/internal/store"
)

// Errors of the single sign-on flow. Each has its own German message in
// the web layer; none carries token, code or claim values.
var (
	// ErrOIDCState: the login's state is unknown, used, expired or does
	// not match the browser's cookie (login CSRF or a stale tab).
	ErrOIDCState = errors.New("oidc: invalid or expired login state")
	// ErrOIDCToken: the code exchange failed or the ID token was refused
	// (signature, issuer, audience, expiry, nonce).
	ErrOIDCToken = errors.New("oidc: identity token refused")
	// ErrOIDCEmail: the provider sent no email address, or did not say it
	// is verified.
	ErrOIDCEmail = errors.New("oidc: no verified email address")
	// ErrOIDCDomain: registration is limited to domains and the provider's
	// address is outside them.
	ErrOIDCDomain = errors.New("oidc: email domain not allowed")
	// ErrOIDCUnavailable: the provider's discovery document could not be
	// fetched; the next login tries again.
	ErrOIDCUnavailable = errors.New("oidc: identity provider unavailable")
)

// OIDC lifetimes: a login must come back from the provider, and a pending
// link be confirmed, within these.
const (
	OIDCLoginTTL = 10 * time.Minute
	OIDCLinkTTL  = 15 * time.Minute
	// oidcRetry spaces discovery attempts while the provider is down, so
	// a burst of login clicks does not become a burst of requests.
	oidcRetry = 5 * time.Second
)

// OIDCConfig is the single sign-on configuration, handed in by cmd.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // absolute URL of GET /anmelden/oidc/rueckkehr
	Scopes       []string
	// Claim names: where the ID token carries the email, display name,
	// organisation and groups.
	ClaimEmail, ClaimName, ClaimOrg, ClaimGroups string
	// GroupAdmin and GroupPM map a group to a role; a group
	// GroupModeratorPrefix+<field> makes a moderator of that field.
	GroupAdmin, GroupPM, GroupModeratorPrefix string
	// HTTPClient talks to the provider; nil is http.DefaultClient.
	HTTPClient *http.Client
}

// OIDC is login through an OpenID Connect provider: authorization code
// flow with PKCE, state and nonce. The provider is discovered at the first
// login, not at start, so a provider that is down does not stop the forum.
type OIDC struct {
	cfg OIDCConfig
	acc *Accounts

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	lastTry  time.Time
}

// NewOIDC sets up single sign-on for the accounts a.
func NewOIDC(a *Accounts, cfg OIDCConfig) *OIDC {
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "email", "profile"}
	}
	return &OIDC{cfg: cfg, acc: a}
}

// clientContext carries the configured HTTP client to go-oidc and oauth2.
func (o *OIDC) clientContext(ctx context.Context) context.Context {
	if o.cfg.HTTPClient == nil {
		return ctx
	}
	return oidc.ClientContext(ctx, o.cfg.HTTPClient)
}

// discover returns the provider's endpoints and the token verifier,
// fetching the discovery document on first use and after failures (at
// most every oidcRetry).
func (o *OIDC) discover(ctx context.Context) (*oidc.IDTokenVerifier, oauth2.Config, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.verifier, o.oauth, nil
	}
	now := time.Now()
	if now.Sub(o.lastTry) < oidcRetry {
		return nil, oauth2.Config{}, ErrOIDCUnavailable
	}
	o.lastTry = now
	dctx, cancel := context.WithTimeout(o.clientContext(ctx), 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(dctx, o.cfg.Issuer)
	if err != nil {
		return nil, oauth2.Config{}, fmt.Errorf("%w: %v", ErrOIDCUnavailable, err)
	}
	o.provider = p
	// The verifier checks signature (keys from the provider's JWKS),
	// issuer, audience = our client ID, and expiry.
	o.verifier = p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID})
	o.oauth = oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: o.cfg.RedirectURL, Scopes: o.cfg.Scopes}
	return o.verifier, o.oauth, nil
}

// Begin starts a login: it stores state, nonce and PKCE verifier and
// returns the provider's authorization URL and the state, which the
// caller also puts into a cookie so the return can be tied to this browser.
func (o *OIDC) Begin(ctx context.Context, next string) (authURL, state string, err error) {
	_, oc, err := o.discover(ctx)
	if err != nil {
		return "", "", err
	}
	state, _, err = NewToken()
	if err != nil {
		return "", "", err
	}
	nonce, _, err := NewToken()
	if err != nil {
		return "", "", err
	}
	verifier := oauth2.GenerateVerifier()
	if err := o.acc.db.CreateOIDCLogin(ctx, store.OIDCLogin{State: state, Nonce: nonce, Verifier: verifier, Next: next}, OIDCLoginTTL); err != nil {
		return "", "", err
	}
	return oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), state, nil
}

// OIDCResult is the outcome of a successful return from the provider:
// either a user to log in, or a pending link the owner must confirm with
// the local password (LinkToken, for a cookie).
type OIDCResult struct {
	User      store.User
	LinkToken string
	Next      string
}

// Finish completes a login when the provider sends the browser back with
// code and state; cookieState is the state from the browser's cookie.
//
// Account rules: a known provider account logs in its user (name,
// organisation and roles refreshed from the claims). An unknown one whose
// verified email belongs to a local account is never logged in silently:
// it becomes a pending link the owner confirms with the local password.
// Otherwise a new active account is created. Accounts that are not active
// are refused as at the password login.
func (o *OIDC) Finish(ctx context.Context, code, state, cookieState string) (OIDCResult, error) {
	if state == "" || cookieState == "" || state != cookieState {
		return OIDCResult{}, ErrOIDCState
	}
	login, err := o.acc.db.TakeOIDCLogin(ctx, state, OIDCLoginTTL)
	if errors.Is(err, store.ErrNotFound) {
		return OIDCResult{}, ErrOIDCState
	}
	if err != nil {
		return OIDCResult{}, err
	}
	verifier, oc, err := o.discover(ctx)
	if err != nil {
		return OIDCResult{}, err
	}
	// A provider that hangs must not hold the request for ever.
	cctx, cancel := context.WithTimeout(o.clientContext(ctx), 15*time.Second)
	defer cancel()
	tok, err := oc.Exchange(cctx, code, oauth2.VerifierOption(login.Verifier))
	if err != nil {
		return OIDCResult{}, fmt.Errorf("%w: code exchange: %v", ErrOIDCToken, exchangeError(err))
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return OIDCResult{}, fmt.Errorf("%w: no id_token in the token response", ErrOIDCToken)
	}
	idt, err := verifier.Verify(cctx, raw)
	if err != nil {
		return OIDCResult{}, fmt.Errorf("%w: %v", ErrOIDCToken, err)
	}
	if idt.Nonce != login.Nonce {
		return OIDCResult{}, fmt.Errorf("%w: nonce does not match the login", ErrOIDCToken)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return OIDCResult{}, fmt.Errorf("%w: claims: %v", ErrOIDCToken, err)
	}
	id, err := o.identity(ctx, idt.Issuer, idt.Subject, claims)
	if err != nil {
		return OIDCResult{}, err
	}
	res := OIDCResult{Next: login.Next}
	res.User, res.LinkToken, err = o.account(ctx, id, login.Next)
	return res, err
}

// exchangeError keeps the provider's error code of a failed exchange and
// drops the rest: the response body may echo request values.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return fmt.Errorf("provider answered %d %s", re.Response.StatusCode, re.ErrorCode)
	}
	return err
}

// oidcIdentity is what the forum takes from an ID token: who the person is
// at the provider and the mapped profile. It is also the pending link's
// stored claims, so only mapped values are kept, not the raw token.
type oidcIdentity struct {
	Issuer        string           `json:"iss"`
	Subject       string           `json:"sub"`
	Email         string           `json:"email"`
	EmailVerified bool             `json:"email_verified"`
	Name          string           `json:"name"`
	Org           string           `json:"org"`
	Roles         *store.OIDCRoles `json:"roles,omitempty"`
}

// identity maps the claims: email (lower-cased), email_verified (a boolean
// or, as some providers send it, the string "true"), name, organisation
// and groups.
func (o *OIDC) identity(ctx context.Context, issuer, subject string, claims map[string]any) (oidcIdentity, error) {
	id := oidcIdentity{Issuer: issuer, Subject: subject,
		Email:         strings.ToLower(strings.TrimSpace(claimString(claims, o.cfg.ClaimEmail))),
		EmailVerified: claimBool(claims, "email_verified"),
		Name:          clip(claimString(claims, o.cfg.ClaimName), MaxDisplayName),
		Org:           clip(claimString(claims, o.cfg.ClaimOrg), MaxOrgName),
	}
	if id.Email == "" || !strings.Contains(id.Email, "@") || !id.EmailVerified {
		return oidcIdentity{}, ErrOIDCEmail
	}
	if utf8.RuneCountInString(id.Name) < 2 {
		id.Name = "" // keep the stored name; a new account falls back to the email's local part
	}
	roles, err := o.mapRoles(ctx, claimStrings(claims, o.cfg.ClaimGroups))
	if err != nil {
		return oidcIdentity{}, err
	}
	id.Roles = roles
	return id, nil
}

// mapRoles maps group names to a role and moderated fields. The highest
// mapped group wins the role (admin, pm, moderator); moderator groups name
// a topic field by its slug, or by a prefix that fits exactly one slug
// ("familie" for "familie-kind"). Groups that map to nothing are ignored;
// when none maps, the result is nil and the account's role stays as it is.
func (o *OIDC) mapRoles(ctx context.Context, groups []string) (*store.OIDCRoles, error) {
	var admin, pm, mapped bool
	var suffixes []string
	for _, g := range groups {
		// Keycloak's group mapper sends "/parent/name" with "full group
		// path" on; the last segment is the group's name.
		g = g[strings.LastIndexByte(g, '/')+1:]
		switch {
		case g == "":
		case o.cfg.GroupAdmin != "" && g == o.cfg.GroupAdmin:
			admin, mapped = true, true
		case o.cfg.GroupPM != "" && g == o.cfg.GroupPM:
			pm, mapped = true, true
		case o.cfg.GroupModeratorPrefix != "" && strings.HasPrefix(g, o.cfg.GroupModeratorPrefix):
			if s := strings.TrimPrefix(g, o.cfg.GroupModeratorPrefix); s != "" {
				suffixes = append(suffixes, s)
			}
		}
	}
	var fieldIDs []int64
	if len(suffixes) > 0 {
		fields, err := o.acc.db.TopicFields(ctx, store.Viewer{AllFields: true}, true)
		if err != nil {
			return nil, err
		}
		for _, s := range suffixes {
			if id, ok := fieldForGroup(fields, s); ok {
				fieldIDs = append(fieldIDs, id)
				mapped = true
			}
		}
	}
	if !mapped {
		return nil, nil
	}
	r := &store.OIDCRoles{Role: store.RoleMember, FieldIDs: fieldIDs}
	switch {
	case admin:
		r.Role = store.RoleAdmin
	case pm:
		r.Role = store.RolePM
	case len(fieldIDs) > 0:
		r.Role = store.RoleModerator
	}
	return r, nil
}

// fieldForGroup finds the topic field a moderator group's suffix names:
// the field with that slug, else the only field whose slug starts with
// suffix + "-".
func fieldForGroup(fields []store.TopicField, suffix string) (int64, bool) {
	var found int64
	n := 0
	for _, f := range fields {
		if f.Slug == suffix {
			return f.ID, true
		}
		if strings.HasPrefix(f.Slug, suffix+"-") {
			found, n = f.ID, n+1
		}
	}
	return found, n == 1
}

// account applies the account rules of Finish to a verified identity.
func (o *OIDC) account(ctx context.Context, id oidcIdentity, next string) (store.User, string, error) {
	db := o.acc.db
	profile := store.OIDCProfile{DisplayName: id.Name, OrgName: id.Org, Roles: id.Roles}
	u, err := db.OIDCIdentityUser(ctx, id.Issuer, id.Subject)
	switch {
	case err == nil:
		if err := activeAccount(u); err != nil {
			return store.User{}, "", err
		}
		if err := db.RecordOIDCLogin(ctx, u.ID, id.Issuer, profile); err != nil {
			return store.User{}, "", err
		}
		u, err = db.UserByID(ctx, u.ID)
		return u, "", err
	case !errors.Is(err, store.ErrNotFound):
		return store.User{}, "", err
	}

	existing, err := db.UserByEmail(ctx, id.Email)
	switch {
	case err == nil:
		if err := activeAccount(existing); err != nil {
			return store.User{}, "", err
		}
		tok, err := o.pendingLink(ctx, existing.ID, id, next)
		return store.User{}, tok, err
	case !errors.Is(err, store.ErrNotFound):
		return store.User{}, "", err
	}

	if !o.acc.domainAllowed(id.Email) {
		return store.User{}, "", ErrOIDCDomain
	}
	name := id.Name
	if name == "" {
		name = clip(id.Email[:strings.IndexByte(id.Email, '@')], MaxDisplayName)
	}
	status := store.StatusActive
	if o.acc.policy.Registration == "approval" {
		status = store.StatusApproval
	}
	u, err = db.CreateOIDCUser(ctx, id.Issuer, id.Subject, store.NewUser{Email: id.Email, DisplayName: name,
		OrgName: id.Org, OrgType: "sonstige", Status: status}, id.Roles)
	if err != nil {
		// ErrConflict: a concurrent login of the same person, or a
		// registration of the same address, won the race; the next
		// attempt takes one of the paths above.
		return store.User{}, "", err
	}
	return u, "", activeAccount(u)
}

// activeAccount refuses accounts that may not log in, with the errors of
// the password login. A write suspension does not stop a login there
// either: a suspended member may still read.
func activeAccount(u store.User) error {
	switch u.Status {
	case store.StatusActive:
		return nil
	case store.StatusPending:
		return ErrNotVerified
	case store.StatusApproval:
		return ErrAwaitingApproval
	default:
		return ErrDisabled
	}
}

// pendingLink stores the identity for linking to the local account userID
// and returns the token the browser keeps in a cookie.
func (o *OIDC) pendingLink(ctx context.Context, userID int64, id oidcIdentity, next string) (string, error) {
	claims, err := json.Marshal(pendingClaims{Identity: id, Next: next})
	if err != nil {
		return "", err
	}
	plain, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	err = o.acc.db.CreateOIDCPendingLink(ctx, store.OIDCPendingLink{TokenHash: hash, Issuer: id.Issuer, Subject: id.Subject,
		UserID: userID, Claims: string(claims)}, OIDCLinkTTL)
	return plain, err
}

// pendingClaims is the JSON of a pending link.
type pendingClaims struct {
	Identity oidcIdentity `json:"identity"`
	Next     string       `json:"next"`
}

// PendingLink returns the local account a pending link would join, for
// the confirmation page. An unknown or expired token is ErrInvalidToken.
func (o *OIDC) PendingLink(ctx context.Context, token string) (store.User, error) {
	l, err := o.acc.db.PendingOIDCLink(ctx, HashToken(token), OIDCLinkTTL)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, ErrInvalidToken
	}
	if err != nil {
		return store.User{}, err
	}
	return o.acc.db.UserByID(ctx, l.UserID)
}

// ConfirmLink links the provider account of a pending link once the local
// account's password is given, applies name, organisation and roles, and
// returns the user with the path to continue at. A wrong password is
// ErrInvalidLogin and leaves the link pending; the caller limits attempts.
func (o *OIDC) ConfirmLink(ctx context.Context, token, password string) (store.User, string, error) {
	db := o.acc.db
	hash := HashToken(token)
	l, err := db.PendingOIDCLink(ctx, hash, OIDCLinkTTL)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, "", ErrInvalidToken
	}
	if err != nil {
		return store.User{}, "", err
	}
	u, err := db.UserByID(ctx, l.UserID)
	if err != nil {
		return store.User{}, "", err
	}
	ok, err := VerifyPassword(ctx, u.PasswordHash, password)
	if err != nil {
		return store.User{}, "", fmt.Errorf("confirm oidc link of user %d: %w", u.ID, err)
	}
	if !ok {
		return store.User{}, "", ErrInvalidLogin
	}
	if err := activeAccount(u); err != nil {
		return store.User{}, "", err
	}
	var pc pendingClaims
	if err := json.Unmarshal([]byte(l.Claims), &pc); err != nil {
		return store.User{}, "", fmt.Errorf("confirm oidc link of user %d: claims: %w", u.ID, err)
	}
	id := pc.Identity
	_, err = db.LinkOIDCIdentity(ctx, hash, OIDCLinkTTL, store.OIDCProfile{DisplayName: id.Name, OrgName: id.Org, Roles: id.Roles})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.User{}, "", ErrInvalidToken // used by a parallel request
	case errors.Is(err, store.ErrConflict):
		return store.User{}, "", ErrInvalidToken // the provider account got linked meanwhile
	case err != nil:
		return store.User{}, "", err
	}
	u, err = db.UserByID(ctx, u.ID)
	return u, pc.Next, err
}

// claimString returns a string claim, or "" when it is missing or not a string.
func claimString(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return strings.TrimSpace(s)
}

// claimBool accepts true and "true": providers differ in the type of
// email_verified.
func claimBool(claims map[string]any, name string) bool {
	switch v := claims[name].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// claimStrings returns a list claim; a single string counts as a list of one.
func claimStrings(claims map[string]any, name string) []string {
	switch v := claims[name].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n]))
}
