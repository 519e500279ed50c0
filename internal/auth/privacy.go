package auth

import (
	"context"

	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// DeleteOwnAccount erases the user's personal data after checking the
// password, so a session left open on a shared computer cannot do it.
// Posts stay, attributed to store.DeletedUserName.
func (a *Accounts) DeleteOwnAccount(ctx context.Context, u *store.User, password string) error {
	ok, err := VerifyPassword(ctx, u.PasswordHash, password)
	if err != nil {
		return err
	}
	if !ok {
		var c input.Checker
		c.Add("password", "error.account.wrong_password")
		return c.Err()
	}
	return a.db.DeleteAccount(ctx, u.ID, u.ID, false)
}

// DeleteAccountByAdmin erases another user's personal data on request;
// removePosts also erases the texts of their posts. Admins delete their own
// account through DeleteOwnAccount, which asks for the password.
func (a *Accounts) DeleteAccountByAdmin(ctx context.Context, admin *store.User, userID int64, removePosts bool) error {
	if admin == nil || admin.Role != store.RoleAdmin {
		return ErrForbidden
	}
	if admin.ID == userID {
		return ErrForbidden
	}
	return a.db.DeleteAccount(ctx, admin.ID, userID, removePosts)
}

// AdminNotices composes a mail of kind to every active admin, each in their
// language, for the caller to queue in the transaction of the change it
// reports (e.g. a barrier report from the accessibility statement).
func (a *Accounts) AdminNotices(ctx context.Context, kind string, data any, fallbackLang string) ([]store.OutboxMail, error) {
	admins, err := a.db.Admins(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.OutboxMail
	for _, adm := range admins {
		m, err := a.mail.Compose(userLang(adm, fallbackLang), kind, adm.Email, data)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
