package main

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	netmail "net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, installed by .ci/run. The browser test
// fails rather than skips without it: a missing browser must turn CI red.
const chromiumPath = "/usr/bin/chromium"

// startServer runs `kommunalforum serve` in-process on a free port with a
// fresh data directory and returns its base URL and data directory.
func startServer(t *testing.T, extra ...string) (string, string) {
	t.Helper()
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(ctx, append([]string{"serve", "--data", data, "--listen", addr}, extra...), nil, io.Discard, io.Discard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	base := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, data
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// newBrowser starts headless Chromium with the flags this machine needs.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		t.Fatalf("Chromium not found at %s (install Debian's chromium): %v", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("accept-lang", "de-DE,de"),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	// No timeout on the context that starts the browser: a deadline there
	// would kill Chromium when it passes.
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return bctx
}

// step runs browser actions with a deadline and fails the test with what.
// Forms are sent with submit (below) rather than a click on their button:
// a click lands on coordinates, and on a loaded machine app.js adding the
// character counter can move the button between layout and click.
func step(t *testing.T, bctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(bctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		var loc, body string
		lctx, lcancel := context.WithTimeout(bctx, 2*time.Second)
		loc, _ = chromedp.Run(lctx, chromedp.Location())
		body, _ = chromedp.Run(lctx, chromedp.Text(chromedp.CSS("main")))
		lcancel()
		t.Fatalf("%s: %v (at %s; main: %.400s)", what, err, loc, body)
	}
}

// submit sends the form of the element matching sel and waits until the
// browser shows the document the server answered with (see navigates).
func submit(sel string) chromedp.Action[chromedp.Void] {
	return navigates("submitting "+sel, chromedp.Submit(chromedp.CSS(sel)))
}

// navigates runs act, which leads to a new page, and waits until the
// browser shows it. Without the wait, a following WaitVisible can match the
// old page (both have a main h1) and a read then races the navigation
// ("Cannot find context with specified id"). The old document is marked,
// so "new" means: the mark is gone and the new document has loaded.
func navigates(what string, act chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if _, err := chromedp.Evaluate[bool](`window.kfOldDocument = true`)(ctx, tg); err != nil {
			return chromedp.Void{}, err
		}
		if _, err := act(ctx, tg); err != nil {
			return chromedp.Void{}, err
		}
		for {
			// Errors are expected while the old context is torn down.
			fresh, err := chromedp.Evaluate[bool](`!window.kfOldDocument && document.readyState === "complete"`)(ctx, tg)
			if err == nil && fresh {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("no new page after %s: %w", what, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// text reads the visible text of the first element matching sel.
func text(t *testing.T, bctx context.Context, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(bctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// testPassword is the password of the accounts the browser tests create.
const testPassword = "Sehr-geheim-2026"

// testUser is an account for addUsers; fields lists the topic fields a
// moderator moderates (comma-separated slugs).
type testUser struct{ email, name, role, fields string }

// addUsers creates accounts through the command line, as an operator would,
// while the server runs: both open the same SQLite file.
func addUsers(t *testing.T, data string, users ...testUser) {
	t.Helper()
	for _, u := range users {
		args := []string{"user", "add", "--data", data, "--email", u.email, "--name", u.name, "--role", u.role, "--password-stdin"}
		if u.fields != "" {
			args = append(args, "--fields", u.fields)
		}
		if code, _, errOut := runCmd(t, testPassword+"\n", args...); code != 0 {
			t.Fatalf("user add %s: %d %s", u.email, code, errOut)
		}
	}
}

// apiToken creates a personal API token for the account through the command line.
func apiToken(t *testing.T, data, email string) string {
	t.Helper()
	code, out, errOut := runCmd(t, "", "token", "create", "--data", data, "--email", email)
	if code != 0 {
		t.Fatalf("token create %s: %d %s", email, code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// secondBrowser opens another browser context (its own cookies) in b's
// browser. Its tab starts here, without a deadline: step's timeout would
// otherwise close the tab, and its cookies, after the first step.
func secondBrowser(t *testing.T, b context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("open a second browser context: %v", err)
	}
	return ctx
}

// logIn logs the browser in through the login form.
func logIn(t *testing.T, b context.Context, base, email, password string) {
	t.Helper()
	step(t, b, "log in as "+email,
		chromedp.Navigate(base+"/anmelden"),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), password),
		submit("main form button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
}

var verifyLink = regexp.MustCompile(`https?://\S+/bestaetigen\?token=[A-Za-z0-9_%-]+`)

// waitForMail polls the pickup folder for a mail to rcpt and returns its text.
func waitForMail(t *testing.T, dir, rcpt string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, f := range files {
			body, to := readEML(t, f)
			if strings.EqualFold(to, rcpt) {
				return body
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail to %s in %s", rcpt, dir)
	return ""
}

// readEML parses a pickup .eml file and returns its decoded text part and recipient.
func readEML(t *testing.T, path string) (string, string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := netmail.ReadMessage(f)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	to := msg.Header.Get("To")
	if a, err := netmail.ParseAddress(to); err == nil {
		to = a.Address
	}
	return decodePart(t, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body), to
}

func decodePart(t *testing.T, ctype, cte string, r io.Reader) string {
	t.Helper()
	mt, params, _ := mime.ParseMediaType(ctype)
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return ""
			}
			if s := decodePart(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); s != "" {
				return s
			}
		}
	}
	if mt != "" && mt != "text/plain" {
		return ""
	}
	if strings.EqualFold(cte, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBrowserRegisterVerifyPostReply walks the newcomer's path in real
// Chromium: register, confirm the address from the mail in the pickup
// folder, land logged in, open a thread and reply to it.
func TestBrowserRegisterVerifyPostReply(t *testing.T) {
	base, data := startServer(t)
	b := newBrowser(t)
	email := "jana.beispiel@landkreis-musterland.de"

	step(t, b, "register",
		chromedp.Navigate(base+"/registrieren"),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-display_name"), "Jana Beispiel"),
		chromedp.SendKeys(chromedp.CSS("#f-org_name"), "Landkreis Musterland"),
		chromedp.SetValue(chromedp.CSS("#f-org_type"), "landkreis"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), "Grüße-aus-dem-Kreishaus-2026"),
		submit("main form button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS("main h1")),
	)
	// The form itself mentions "E-Mail" too, so check the outcome's heading.
	if h1 := text(t, b, "main h1"); !strings.Contains(h1, "Bitte bestätigen Sie Ihre E-Mail-Adresse") {
		t.Fatalf("after registering, the heading is %q; want the check-your-mail notice", h1)
	}

	mailText := waitForMail(t, filepath.Join(data, "mail-pickup"), email)
	link := verifyLink.FindString(mailText)
	if link == "" {
		t.Fatalf("verification mail has no link:\n%s", mailText)
	}
	// The link opens a page whose button confirms (mail gateways that
	// pre-open links must not use the token up).
	step(t, b, "verify",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS("main form button[type=submit]")),
		submit("main form button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if nav := text(t, b, ".account-nav"); !strings.Contains(nav, "Jana Beispiel") {
		t.Fatalf("after verifying, account nav = %q; want the user logged in", nav)
	}

	title := "Elterngeld Digital im Landkreis nachnutzen"
	step(t, b, "new thread",
		chromedp.Navigate(base+"/neues-thema?themenfeld=familie-kind"),
		chromedp.WaitVisible(chromedp.CSS("#f-title")),
		chromedp.SendKeys(chromedp.CSS("#f-title"), title),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "Hat jemand den **EfA-Dienst** schon angebunden?\n\n- Fachverfahren\n- Zahlungsverkehr"),
		submit("main form button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS(".post-list")),
	)
	if h1 := text(t, b, "main h1"); !strings.Contains(h1, title) {
		t.Fatalf("thread page h1 = %q, want %q", h1, title)
	}
	if body := text(t, b, ".post-body"); !strings.Contains(body, "EfA-Dienst") {
		t.Fatalf("first post = %q", body)
	}

	reply := "Wir sind seit März live, die Anbindung lief über FIT-Connect."
	step(t, b, "reply",
		chromedp.SendKeys(chromedp.CSS("#f-body"), reply),
		submit("#antworten button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS(".post-list .post:nth-of-type(2)")),
	)
	if got := text(t, b, ".post-list .post:nth-of-type(2) .post-body"); !strings.Contains(got, reply) {
		t.Fatalf("second post = %q, want the reply", got)
	}
}
