package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/seed"
	"kommunalforum/internal/store"
)

// cmdMigrate applies pending migrations and reports the schema version.
func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("migrate", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	v, err := a.db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s is at schema version %d\n", a.cfg.DBPath(), v)
	return nil
}

// cmdUserAdd creates an active, verified account; the password comes from
// standard input so it appears in no process list or shell history.
func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, com := newFlags("user add", stderr)
	email := fs.String("email", "", "email address (required)")
	name := fs.String("name", "", "display name (required)")
	role := fs.String("role", "member", "role: admin, moderator, pm or member")
	org := fs.String("org", "", "organisation name")
	orgType := fs.String("org-type", "sonstige", "organisation type: "+strings.Join(store.OrgTypes, ", "))
	fields := fs.String("fields", "", "for moderators: comma-separated topic field slugs they moderate")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *name == "" || !*pwStdin {
		return usageError{"--email, --name and --password-stdin are required"}
	}
	if *fields != "" && *role != store.RoleModerator {
		return usageError{"--fields applies to --role moderator only"}
	}
	if !auth.ValidRole(*role) {
		return usageError{fmt.Sprintf("--role %q: must be one of %s", *role, strings.Join(store.Roles, ", "))}
	}
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	a, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.accounts.CreateAccount(ctx, auth.NewAccount{Email: *email, DisplayName: *name, Role: *role,
		OrgName: *org, OrgType: *orgType, Password: pw})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("a user with email %s already exists", *email)
	}
	if ve, ok := err.(*input.ValidationError); ok {
		return errors.New(describe(a, ve))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %d <%s> with role %s\n", u.ID, u.Email, u.Role)
	if *fields == "" {
		return nil
	}
	var ids []int64
	for _, slug := range strings.Split(*fields, ",") {
		f, err := a.db.TopicFieldBySlug(ctx, strings.TrimSpace(slug))
		if err != nil {
			return fmt.Errorf("--fields: topic field %q: %w", slug, err)
		}
		ids = append(ids, f.ID)
	}
	if err := a.db.SetModeratorFields(ctx, u.ID, ids); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "moderates: %s\n", *fields)
	return nil
}

// describe renders field errors for the terminal, in German like the UI.
func describe(a *app, ve *input.ValidationError) string {
	var lines []string
	for f, m := range ve.Fields {
		lines = append(lines, "--"+strings.ReplaceAll(f, "_", "-")+": "+a.cat.T("de", m.Key, m.Args...))
	}
	sort.Strings(lines)
	return "invalid input:\n  " + strings.Join(lines, "\n  ")
}

// cmdTokenCreate prints a new personal API token as the last line of stdout.
func cmdTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("token create", stderr)
	email := fs.String("email", "", "email address of the account (required)")
	name := fs.String("name", "cli", "a name to recognise the token by")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return usageError{"--email is required"}
	}
	a, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.db.UserByEmail(ctx, strings.TrimSpace(*email))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with email %s", *email)
	}
	if err != nil {
		return err
	}
	if u.Status != store.StatusActive {
		return fmt.Errorf("user %s is not active (status %s)", u.Email, u.Status)
	}
	tok, err := a.accounts.CreateAPIToken(ctx, u.ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "API token for %s (shown once, store it safely):\n%s\n", u.Email, tok)
	return nil
}

// cmdSeed adds demo content, or a synthetic data set (seed_synthetic.go).
func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if isSynthetic(args) {
		return cmdSeedSynthetic(ctx, args, stdout, stderr)
	}
	fs, com := newFlags("seed", stderr)
	demo := fs.Bool("demo", false, "add realistic German demo content")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*demo {
		return usageError{"say what to seed: --demo"}
	}
	a, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	sum, err := seed.Demo(ctx, a.db, a.accounts, a.forum, a.qa, a.pm)
	if err != nil {
		return err
	}
	if sum.Skipped {
		fmt.Fprintln(stdout, "demo content is already present; nothing added")
		return nil
	}
	fmt.Fprintf(stdout, "added %d users, %d threads (%d questions, %d to the programme management), %d posts, %d votes\n"+
		"log in as admin@kommunalforum.example with password %s\n",
		sum.Users, sum.Threads, sum.Questions, sum.PMQuestions, sum.Posts, sum.Votes, seed.DemoPassword)
	return nil
}
