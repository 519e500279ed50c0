package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"kommunalforum/internal/seed"
)

var updateScreenshots = flag.Bool("screenshots", false, "write the page tour's screenshots to docs/screenshots")

// consoleProblems collects what the browser reports as errors: CSP
// violations, failed loads, script exceptions.
type consoleProblems struct {
	mu   sync.Mutex
	list []string
}

func (p *consoleProblems) add(s string) {
	p.mu.Lock()
	p.list = append(p.list, s)
	p.mu.Unlock()
}

func (p *consoleProblems) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.list
	p.list = nil
	return l
}

// watchConsole collects the browser's error reports (console errors, CSP
// violations, exceptions) for b; more, when not nil, sees every event too
// and may add its own findings.
func watchConsole(t *testing.T, b context.Context, more func(ev any, problems *consoleProblems)) *consoleProblems {
	t.Helper()
	problems := &consoleProblems{}
	if err := chromedp.Listen(b, func(ev any) {
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Source == cdplog.EntrySourceSecurity {
				problems.add(fmt.Sprintf("%s: %s (%s)", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		case *runtime.EventExceptionThrown:
			problems.add("exception: " + e.ExceptionDetails.Text)
		}
		if more != nil {
			more(ev, problems)
		}
	}); err != nil {
		t.Fatal(err)
	}
	step(t, b, "enable log", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
		return err
	}))
	return problems
}

// TestBrowserPageTour opens the main pages with demo content, as visitor
// and as admin, at desktop and phone width, in real Chromium. Every page
// must load without console errors or CSP violations and without
// horizontal scrolling. With -screenshots it also refreshes
// docs/screenshots/:
//
//	go test ./cmd/kommunalforum -run TestBrowserPageTour -screenshots
func TestBrowserPageTour(t *testing.T) {
	base, _ := startServer(t, "--demo")
	b := newBrowser(t)
	problems := watchConsole(t, b, nil)

	out := t.TempDir()
	if *updateScreenshots {
		out = filepath.Join("..", "..", "docs", "screenshots")
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"topic-field", "/themenfeld/plattformen-basisdienste"},
		{"thread", "/t/7"},
		{"questions", "/fragen"},
		{"pm-area", "/pm"},
		{"pm-statistics", "/pm/statistik"},
		{"register", "/registrieren"},
		{"login", "/anmelden"},
		{"search", "/suche?q=Antrag"},
		{"faq", "/faq"},
		{"accessibility", "/barrierefreiheit"},
		{"easy-language", "/leichte-sprache"},
	}
	adminPages := []struct{ name, path string }{
		{"new-thread", "/neues-thema?themenfeld=familie-kind"},
		{"account", "/konto"},
		{"notification-settings", "/konto/benachrichtigungen"},
		{"digest-preview", "/konto/benachrichtigungen/vorschau"},
		{"moderation-queue", "/moderation"},
		{"admin-pages", "/admin/seiten"},
		{"admin-topic-fields", "/admin/themenfelder"},
		{"admin-audit-log", "/admin/protokoll"},
	}
	tour := func(list []struct{ name, path string }) {
		for _, p := range list {
			for _, size := range []struct {
				label string
				w, h  int64
			}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
				var shot []byte
				step(t, b, p.name+" "+size.label,
					chromedp.EmulateViewport(size.w, size.h),
					chromedp.Navigate(base+p.path),
					chromedp.WaitVisible(chromedp.CSS("main h1")),
					chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
						var err error
						shot, err = chromedp.FullScreenshot(100)(ctx, tg)
						return err
					}),
				)
				title := text(t, b, "main h1")
				if strings.Contains(title, "Fehler") {
					t.Errorf("%s: page shows %q", p.path, title)
				}
				overflow, err := chromedp.Run(b, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth + 1"))
				if err != nil {
					t.Fatal(err)
				}
				if overflow {
					t.Errorf("%s at %s width scrolls horizontally", p.path, size.label)
				}
				if ps := problems.take(); len(ps) > 0 {
					t.Errorf("%s at %s: browser reported %v", p.path, size.label, ps)
				}
				if err := os.WriteFile(filepath.Join(out, p.name+"-"+size.label+".png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	tour(pages)

	// The listener must see a violation when there is one: an image from a
	// foreign host, added by DevTools (which the CSP does not stop), is.
	step(t, b, "provoke a CSP violation", chromedp.Evaluate[chromedp.Void](
		`document.body.appendChild(Object.assign(document.createElement("img"), {src: "https://tracker.invalid/p.png"}))`))
	step(t, b, "wait for the report", chromedp.Sleep(300*time.Millisecond))
	if ps := problems.take(); len(ps) == 0 {
		t.Error("a CSP violation went unreported: the console check would miss real ones")
	}

	step(t, b, "desktop width", chromedp.EmulateViewport(1280, 900))
	logIn(t, b, base, "admin@kommunalforum.example", seed.DemoPassword)
	tour(adminPages)
}
