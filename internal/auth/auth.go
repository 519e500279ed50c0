// Package auth owns accounts and who may do what: registration with email
// verification, login, sessions, password reset, email change, API tokens,
// password hashing, rate limits, and the permission rules every channel
// (pages, API, later search, feeds and mail) asks.
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"kommunalforum/internal/input"
	"kommunalforum/internal/mail"
	"kommunalforum/internal/store"
)

// Errors returned by Accounts. Login failures for unknown accounts and wrong
// passwords are the same error, so answers do not reveal who is registered.
var (
	ErrInvalidLogin     = errors.New("invalid email or password")
	ErrNotVerified      = errors.New("email not verified")
	ErrAwaitingApproval = errors.New("account awaits approval")
	ErrDisabled         = errors.New("account disabled")
	ErrInvalidToken     = errors.New("invalid or expired link")
)

// Policy is the account configuration, handed in by cmd.
type Policy struct {
	Registration      string // open, domains, approval
	AllowedDomains    []string
	MinPasswordLength int
	SessionLifetime   time.Duration
	// SessionIdle ends a session unused for this long; 0 disables it.
	SessionIdle    time.Duration
	VerifyLifetime time.Duration
	ResetLifetime  time.Duration
}

// Accounts implements the account flows on top of the store; every mail it
// causes is written to the outbox in the same transaction as the change.
type Accounts struct {
	db     *store.DB
	mail   *mail.Composer
	policy Policy
	now    func() time.Time
}

// NewAccounts wires the account flows.
func NewAccounts(db *store.DB, c *mail.Composer, p Policy) *Accounts {
	return &Accounts{db: db, mail: c, policy: p, now: time.Now}
}

// Policy returns the account configuration.
func (a *Accounts) Policy() Policy { return a.policy }

// Registration is the input of Register.
type Registration struct {
	Email       string
	DisplayName string
	OrgName     string
	OrgType     string
	Password    string
	Language    string
}

// Field length limits, shared by forms, API and CLI.
const (
	MaxDisplayName = 80
	MaxOrgName     = 120
)

// checkProfile validates the profile fields common to registration, the CLI
// and the settings page, returning the cleaned values.
func checkProfile(c *input.Checker, name, orgName, orgType string) (string, string, string) {
	name = c.Text("display_name", name, true, 2, MaxDisplayName)
	orgName = c.Text("org_name", orgName, false, 2, MaxOrgName)
	if orgType == "" {
		orgType = "sonstige"
	}
	orgType = c.OneOf("org_type", orgType, store.OrgTypes)
	return name, orgName, orgType
}

func (a *Accounts) checkPassword(c *input.Checker, field, pw string) {
	var fe *FieldError
	if err := CheckPasswordPolicy(pw, a.policy.MinPasswordLength); errors.As(err, &fe) {
		c.Add(field, fe.Key, fe.Args...)
	}
}

// domainAllowed reports whether email's domain (or a parent domain) is allowed.
func (a *Accounts) domainAllowed(email string) bool {
	if a.policy.Registration != "domains" {
		return true
	}
	domain := email[strings.LastIndexByte(email, '@')+1:]
	for _, d := range a.policy.AllowedDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// Register creates a pending account and sends the verification link. If
// the address is already registered, it instead tells that address's owner,
// and returns nil all the same: the form's answer must not reveal accounts.
func (a *Accounts) Register(ctx context.Context, r Registration) error {
	var c input.Checker
	r.Email = c.Email("email", r.Email)
	r.DisplayName, r.OrgName, r.OrgType = checkProfile(&c, r.DisplayName, r.OrgName, r.OrgType)
	a.checkPassword(&c, "password", r.Password)
	if err := c.Err(); err != nil {
		return err
	}
	if !a.domainAllowed(r.Email) {
		c.Add("email", "error.account.domain_not_allowed")
		return c.Err()
	}
	if existing, err := a.db.UserByEmail(ctx, r.Email); err == nil {
		return a.sendExisting(ctx, existing, r.Language)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash, err := HashPassword(ctx, r.Password)
	if err != nil {
		return err
	}
	plain, tokHash, err := NewToken()
	if err != nil {
		return err
	}
	m, err := a.mail.Compose(r.Language, "verify", r.Email, linkData{Name: r.DisplayName,
		Link: a.mail.SiteURL + "/bestaetigen?token=" + url.QueryEscape(plain), Hours: hours(a.policy.VerifyLifetime)})
	if err != nil {
		return err
	}
	_, err = a.db.CreateUser(ctx, store.NewUser{Email: r.Email, DisplayName: r.DisplayName, PasswordHash: hash,
		Role: store.RoleMember, OrgName: r.OrgName, OrgType: r.OrgType, Status: store.StatusPending, Language: r.Language},
		&store.EmailToken{Hash: tokHash, Purpose: "verify", Expires: a.now().Add(a.policy.VerifyLifetime)}, &m)
	if errors.Is(err, store.ErrConflict) {
		// Lost a race with a concurrent registration of the same address.
		return nil
	}
	return err
}

func (a *Accounts) sendExisting(ctx context.Context, u store.User, lang string) error {
	m, err := a.mail.Compose(userLang(u, lang), "register_existing", u.Email,
		linkData{Name: u.DisplayName, Link: a.mail.SiteURL + "/passwort-vergessen"})
	if err != nil {
		return err
	}
	_, err = a.db.EnqueueMail(ctx, m)
	return err
}

// linkData is what the account mails show.
type linkData struct {
	Name, Link, Email, Org, NewEmail string
	Hours                            int
}

func hours(d time.Duration) int { return int(d / time.Hour) }

// userLang prefers the user's saved language over the request's.
func userLang(u store.User, fallback string) string {
	if u.Language != "" {
		return u.Language
	}
	return fallback
}

// Verify consumes a verification link. Under the approval policy the account
// then waits for an admin, who is notified; otherwise it becomes active.
func (a *Accounts) Verify(ctx context.Context, token, lang string) (store.User, error) {
	var userID int64
	approval := a.policy.Registration == "approval"
	var admins []store.User
	if approval {
		var err error
		if admins, err = a.db.Admins(ctx); err != nil {
			return store.User{}, err
		}
	}
	err := a.db.UseEmailToken(ctx, HashToken(token), "verify", func(tx *store.Tx, uid int64, _ store.EmailToken) error {
		userID = uid
		status := store.StatusActive
		if approval {
			status = store.StatusApproval
		}
		return tx.SetUserStatus(ctx, uid, status, true)
	})
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, ErrInvalidToken
	}
	if err != nil {
		return store.User{}, fmt.Errorf("verify email: %w", err)
	}
	u, err := a.db.UserByID(ctx, userID)
	if err != nil || !approval {
		return u, err
	}
	for _, adm := range admins {
		m, err := a.mail.Compose(userLang(adm, lang), "approval_request", adm.Email, linkData{Name: u.DisplayName,
			Email: u.Email, Org: u.OrgName, Link: a.mail.SiteURL + "/admin/benutzer"})
		if err != nil {
			return u, err
		}
		if _, err := a.db.EnqueueMail(ctx, m); err != nil {
			return u, err
		}
	}
	return u, nil
}

// Approve activates an account waiting for approval and tells its owner.
func (a *Accounts) Approve(ctx context.Context, admin *store.User, userID int64) error {
	if !admin.IsAdmin() {
		return ErrForbidden
	}
	u, err := a.db.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if u.Status != store.StatusApproval {
		return store.ErrNotFound
	}
	m, err := a.mail.Compose(userLang(u, "de"), "approved", u.Email, linkData{Name: u.DisplayName, Link: a.mail.SiteURL + "/anmelden"})
	if err != nil {
		return err
	}
	return a.db.ApproveUser(ctx, admin.ID, userID, m)
}

// Login checks credentials. Unknown email and wrong password give the same
// error after the same amount of work.
func (a *Accounts) Login(ctx context.Context, email, password string) (store.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	u, err := a.db.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		DummyVerify(ctx, password)
		return store.User{}, ErrInvalidLogin
	}
	if err != nil {
		return store.User{}, err
	}
	ok, err := VerifyPassword(ctx, u.PasswordHash, password)
	if err != nil {
		return store.User{}, fmt.Errorf("login %d: %w", u.ID, err)
	}
	if !ok {
		return store.User{}, ErrInvalidLogin
	}
	switch u.Status {
	case store.StatusPending:
		return store.User{}, ErrNotVerified
	case store.StatusApproval:
		return store.User{}, ErrAwaitingApproval
	case store.StatusDisabled:
		return store.User{}, ErrDisabled
	}
	if NeedsRehash(u.PasswordHash) {
		if h, err := HashPassword(ctx, password); err == nil {
			_ = a.db.ChangePassword(ctx, u.ID, h, "*") // keeps all sessions: "*" matches none
		}
	}
	return a.db.UserByID(ctx, u.ID)
}

// StartSession creates a session and returns the token for the cookie.
func (a *Accounts) StartSession(ctx context.Context, userID int64) (string, error) {
	plain, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	if err := a.db.CreateSession(ctx, userID, hash, a.now().Add(a.policy.SessionLifetime)); err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	return plain, nil
}

// SessionUser returns the user of a session cookie value.
func (a *Accounts) SessionUser(ctx context.Context, token string) (store.User, error) {
	return a.db.UserBySessionIdle(ctx, HashToken(token), a.policy.SessionIdle)
}

// EndSession logs a session out.
func (a *Accounts) EndSession(ctx context.Context, token string) error {
	return a.db.DeleteSession(ctx, HashToken(token))
}

// TokenUser returns the user of a personal API token.
func (a *Accounts) TokenUser(ctx context.Context, token string) (store.User, error) {
	return a.db.UserByAPIToken(ctx, HashToken(token))
}

// MaxTokenName bounds the label of a personal API token.
const MaxTokenName = 60

// CreateAPIToken issues a personal API token; only its hash is stored, so
// the plain value is shown exactly once.
func (a *Accounts) CreateAPIToken(ctx context.Context, userID int64, name string) (string, error) {
	var c input.Checker
	name = c.Text("name", name, true, 1, MaxTokenName)
	if err := c.Err(); err != nil {
		return "", err
	}
	plain, hash, err := NewAPIToken()
	if err != nil {
		return "", err
	}
	if _, err := a.db.CreateAPIToken(ctx, userID, name, hash); err != nil {
		return "", err
	}
	return plain, nil
}

// RequestReset sends a reset link if the address belongs to an account that
// is not disabled. It returns nil either way.
func (a *Accounts) RequestReset(ctx context.Context, email, lang string) error {
	var c input.Checker
	email = c.Email("email", email)
	if err := c.Err(); err != nil {
		return err
	}
	u, err := a.db.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Status == store.StatusDisabled) {
		return nil
	}
	if err != nil {
		return err
	}
	plain, hash, err := NewToken()
	if err != nil {
		return err
	}
	m, err := a.mail.Compose(userLang(u, lang), "reset", u.Email, linkData{Name: u.DisplayName,
		Link: a.mail.SiteURL + "/passwort-neu?token=" + url.QueryEscape(plain), Hours: hours(a.policy.ResetLifetime)})
	if err != nil {
		return err
	}
	return a.db.IssueEmailToken(ctx, u.ID, store.EmailToken{Hash: hash, Purpose: "reset", Expires: a.now().Add(a.policy.ResetLifetime)}, m)
}

// Reset sets a new password through a reset link and ends all sessions. A
// pending account's email is thereby proven, so it counts as verified.
func (a *Accounts) Reset(ctx context.Context, token, password string) error {
	var c input.Checker
	a.checkPassword(&c, "password", password)
	if err := c.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return err
	}
	err = a.db.UseEmailToken(ctx, HashToken(token), "reset", func(tx *store.Tx, uid int64, _ store.EmailToken) error {
		u, err := a.db.UserByID(ctx, uid)
		if err != nil {
			return err
		}
		m, err := a.passwordNotice(u)
		if err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, uid, hash); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, m)
	})
	if errors.Is(err, store.ErrNotFound) {
		return ErrInvalidToken
	}
	return err
}

// ChangePassword checks the current password, sets the new one and ends
// every session of the user; the caller starts a fresh one.
func (a *Accounts) ChangePassword(ctx context.Context, u *store.User, current, next string) error {
	var c input.Checker
	ok, err := VerifyPassword(ctx, u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		c.Add("current_password", "error.account.wrong_password")
	}
	a.checkPassword(&c, "password", next)
	if err := c.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(ctx, next)
	if err != nil {
		return err
	}
	m, err := a.passwordNotice(*u)
	if err != nil {
		return err
	}
	return a.db.ChangePassword(ctx, u.ID, hash, "", m)
}

// passwordNotice is the mail telling the owner that the password changed,
// so a takeover does not go unnoticed.
func (a *Accounts) passwordNotice(u store.User) (store.OutboxMail, error) {
	return a.mail.Compose(userLang(u, ""), "password_changed", u.Email, linkData{Name: u.DisplayName})
}

// RequestEmailChange sends a confirmation link to the new address. If the
// address is taken, its owner is told instead, and the caller sees the same
// answer, so the form reveals no accounts.
func (a *Accounts) RequestEmailChange(ctx context.Context, u *store.User, newEmail, password, lang string) error {
	var c input.Checker
	newEmail = c.Email("email", newEmail)
	ok, err := VerifyPassword(ctx, u.PasswordHash, password)
	if err != nil {
		return err
	}
	if !ok {
		c.Add("current_password", "error.account.wrong_password")
	}
	if err := c.Err(); err != nil {
		return err
	}
	if !a.domainAllowed(newEmail) {
		c.Add("email", "error.account.domain_not_allowed")
		return c.Err()
	}
	if newEmail == strings.ToLower(u.Email) {
		c.Add("email", "error.account.same_email")
		return c.Err()
	}
	if other, err := a.db.UserByEmail(ctx, newEmail); err == nil {
		return a.sendExisting(ctx, other, lang)
	}
	plain, hash, err := NewToken()
	if err != nil {
		return err
	}
	m, err := a.mail.Compose(userLang(*u, lang), "email_change", newEmail, linkData{Name: u.DisplayName,
		Link: a.mail.SiteURL + "/email-bestaetigen?token=" + url.QueryEscape(plain), Hours: hours(a.policy.VerifyLifetime)})
	if err != nil {
		return err
	}
	return a.db.IssueEmailToken(ctx, u.ID, store.EmailToken{Hash: hash, Purpose: "email_change", NewEmail: newEmail,
		Expires: a.now().Add(a.policy.VerifyLifetime)}, m)
}

// ConfirmEmailChange applies a confirmed email change and notifies the old address.
func (a *Accounts) ConfirmEmailChange(ctx context.Context, token, lang string) error {
	err := a.db.UseEmailToken(ctx, HashToken(token), "email_change", func(tx *store.Tx, uid int64, tok store.EmailToken) error {
		u, err := a.db.UserByID(ctx, uid)
		if err != nil {
			return err
		}
		m, err := a.mail.Compose(userLang(u, lang), "email_changed", u.Email, linkData{Name: u.DisplayName, NewEmail: tok.NewEmail})
		if err != nil {
			return err
		}
		if err := tx.SetEmail(ctx, uid, tok.NewEmail); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, m)
	})
	if errors.Is(err, store.ErrNotFound) {
		return ErrInvalidToken
	}
	if errors.Is(err, store.ErrConflict) {
		var c input.Checker
		c.Add("email", "error.account.email_taken")
		return c.Err()
	}
	return err
}

// UpdateProfile validates and saves display name, organisation and language.
func (a *Accounts) UpdateProfile(ctx context.Context, u *store.User, name, orgName, orgType, lang string) error {
	var c input.Checker
	name, orgName, orgType = checkProfile(&c, name, orgName, orgType)
	if lang != "" {
		c.OneOf("language", lang, []string{"de", "en"})
	}
	if err := c.Err(); err != nil {
		return err
	}
	return a.db.UpdateProfile(ctx, u.ID, name, orgName, orgType, lang)
}

// NewAccount is the input of CreateAccount (command line and admin).
type NewAccount struct {
	Email, DisplayName, Role, OrgName, OrgType, Password string
}

// CreateAccount creates an active, verified account without mail, for the
// command line. A duplicate email is store.ErrConflict.
func (a *Accounts) CreateAccount(ctx context.Context, n NewAccount) (store.User, error) {
	var c input.Checker
	n.Email = c.Email("email", n.Email)
	n.DisplayName, n.OrgName, n.OrgType = checkProfile(&c, n.DisplayName, n.OrgName, n.OrgType)
	c.OneOf("role", n.Role, store.Roles)
	a.checkPassword(&c, "password", n.Password)
	if err := c.Err(); err != nil {
		return store.User{}, err
	}
	hash, err := HashPassword(ctx, n.Password)
	if err != nil {
		return store.User{}, err
	}
	return a.db.CreateUser(ctx, store.NewUser{Email: n.Email, DisplayName: n.DisplayName, PasswordHash: hash, Role: n.Role,
		OrgName: n.OrgName, OrgType: n.OrgType, Status: store.StatusActive, Verified: true}, nil, nil)
}

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool { return slices.Contains(store.Roles, r) }
