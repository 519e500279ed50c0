package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/config"
	"kommunalforum/internal/faq"
	"kommunalforum/internal/forum"
	"kommunalforum/internal/i18n"
	"kommunalforum/internal/mail"
	"kommunalforum/internal/qa"
	"kommunalforum/internal/store"
	"kommunalforum/templates"
)

// app is the forum's parts wired from the configuration; only cmd reads
// config and hands plain values on.
type app struct {
	cfg      config.Config
	db       *store.DB
	cat      *i18n.Catalog
	composer *mail.Composer
	accounts *auth.Accounts
	forum    *forum.Forum
	qa       *qa.QA
	pm       *qa.PM
	faq      *faq.FAQ
}

// openApp opens the database (applying migrations), seeds the topic fields
// on first start and wires the domain packages.
func openApp(ctx context.Context, cfg config.Config) (*app, error) {
	if err := os.MkdirAll(cfg.Data.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := store.Open(ctx, cfg.DBPath())
	if err != nil {
		return nil, err
	}
	if cfg.Database.MaxSizeMB > 0 {
		if err := db.SetMaxSize(ctx, int64(cfg.Database.MaxSizeMB)<<20); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("database size cap: %w", err)
		}
	}
	if err := db.EnsureTopicFields(ctx, forum.DefaultTopicFields); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("seed topic fields: %w", err)
	}
	cat, err := i18n.Load()
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	comp, err := mail.NewComposer(templates.FS, cat, cfg.BaseURL(), cfg.Mail.From)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	a := cfg.Auth
	acc := auth.NewAccounts(db, comp, auth.Policy{
		Registration: a.Registration, AllowedDomains: a.AllowedDomains, MinPasswordLength: a.MinPasswordLength,
		SessionLifetime: a.SessionLifetime, SessionIdle: a.SessionIdleTimeout, VerifyLifetime: a.VerifyTokenLifetime, ResetLifetime: a.ResetTokenLifetime,
	})
	return &app{cfg: cfg, db: db, cat: cat, composer: comp, accounts: acc, forum: forum.New(db, cfg.Forum.PMAnswerWorkingDays),
		qa: qa.New(db), pm: qa.NewPM(db, qa.DefaultAnsweringBody), faq: faq.New(db)}, nil
}

func (a *app) Close() error { return a.db.Close() }

// sender picks SMTP when a host is configured, else the pickup folder.
func (a *app) sender(log *slog.Logger) mail.Sender {
	m := a.cfg.Mail
	if m.SMTP.Host != "" {
		log.Info("mail via SMTP", "host", m.SMTP.Host, "port", m.SMTP.Port, "tls", m.SMTP.TLS)
		return mail.NewSMTPSender(mail.SMTPConfig{Host: m.SMTP.Host, Port: m.SMTP.Port, Username: m.SMTP.Username,
			Password: m.SMTP.Password, TLS: m.SMTP.TLS, HELO: m.SMTP.HELO})
	}
	log.Info("no SMTP host configured: mails are written as .eml files", "pickup_dir", a.cfg.PickupDir())
	return mail.PickupSender{Dir: a.cfg.PickupDir()}
}

// oidc returns single sign-on as configured in auth.oidc, or nil when no
// issuer is set. The provider is contacted at the first login, not here.
func (a *app) oidc() *auth.OIDC {
	o := a.cfg.Auth.OIDC
	if o.Issuer == "" {
		return nil
	}
	return auth.NewOIDC(a.accounts, auth.OIDCConfig{Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		RedirectURL: a.cfg.OIDCRedirectURL(), Scopes: o.Scopes, ClaimEmail: o.ClaimEmail, ClaimName: o.ClaimName,
		ClaimOrg: o.ClaimOrg, ClaimGroups: o.ClaimGroups, GroupAdmin: o.GroupAdmin, GroupPM: o.GroupPM,
		GroupModeratorPrefix: o.GroupModeratorPrefix})
}
