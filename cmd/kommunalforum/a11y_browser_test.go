package main

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kommunalforum/internal/seed"
)

//go:embed testdata/axe-core/axe.min.js
var axeSource string

// axeViolation is the part of an axe-core result the test reports.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// runAxe injects axe-core into the current page (through DevTools, which
// the page's CSP does not govern) and returns the WCAG 2.1 A/AA violations.
func runAxe(t *testing.T, b context.Context) []axeViolation {
	t.Helper()
	ctx, cancel := context.WithTimeout(b, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
		resultTypes: ["violations"]
	}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	return vs
}

// a11yPages are the page types, with the roles that see them. Paths with
// {question} or {faq} are filled from the demo content.
var a11yPages = []struct {
	path  string
	roles string // any of a (anonymous), m (member), o (moderator), p (pm), d (admin)
}{
	{"/", "amopd"},
	{"/themenfeld/plattformen-basisdienste", "amopd"},
	{"/t/7", "amopd"},
	{"{question}", "amopd"},
	{"/fragen?filter=unbeantwortet", "am"},
	{"/pm", "amp"},
	{"/pm/statistik", "a"},
	{"/pm/queue", "p"},
	{"/faq", "amo"},
	{"{faq}", "ao"},
	{"/themenfeld/familie-kind/faq", "o"},
	{"/suche?q=Antrag", "amd"},
	{"/suche?q=Antrag+typ:frage", "a"},
	{"/suche?q=Antraag", "a"},
	{"/u/4", "am"},
	{"/registrieren", "a"},
	{"/anmelden", "a"},
	{"/passwort-vergessen", "a"},
	{"/datenschutz", "a"},
	{"/barrierefreiheit", "am"},
	{"/leichte-sprache", "a"},
	{"/gibt-es-nicht", "am"},
	{"/konto", "mopd"},
	{"/konto/benachrichtigungen", "m"},
	{"/konto/feeds", "m"},
	{"/konto/loeschen", "m"},
	{"/neues-thema", "mp"},
	{"/moderation", "od"},
	{"/moderation/protokoll", "o"},
	{"/admin/themenfelder", "md"}, // a member gets the 403 page
	{"/admin/themenfelder/1", "d"},
	{"/admin/benutzer", "d"},
	{"/admin/moderation", "d"},
	{"/admin/gruppen", "d"},
	{"/admin/protokoll", "d"},
	{"/admin/seiten", "d"},
	{"/admin/seiten/impressum/de", "d"},
	{"/admin/rueckmeldungen", "d"},
}

// TestBrowserAccessibility runs axe-core on every page type as visitor,
// member, moderator, programme manager and admin, and fails on any WCAG 2.1
// A or AA violation.
func TestBrowserAccessibility(t *testing.T) {
	base, _ := startServer(t, "--demo")
	roles := []struct {
		code, email string
	}{
		{"a", ""},
		{"m", "s.yilmaz@kommunalforum.example"},
		{"o", "moderation@kommunalforum.example"},
		{"p", "pm@kommunalforum.example"},
		{"d", "admin@kommunalforum.example"},
	}
	b := newBrowser(t)
	// Fill the placeholders from the demo content.
	step(t, b, "find a question", chromedp.Navigate(base+"/fragen"), chromedp.WaitVisible(chromedp.CSS(".thread-title a")))
	question, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector(".thread-title a").getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	faq := "/faq"
	step(t, b, "find an FAQ entry", chromedp.Navigate(base+"/faq"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if href, err := chromedp.Run(b, chromedp.Evaluate[string](`(document.querySelector('main a[href^="/faq/"]') || {getAttribute: () => ""}).getAttribute("href")`)); err == nil && href != "" {
		faq = href
	}

	// The check must see a violation when there is one: an image without
	// a text alternative and an unlabelled input, added to a page.
	step(t, b, "plant violations", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("main").insertAdjacentHTML("beforeend",
			'<img src="/assets/img/favicon.svg"><input type="text" name="x">')`))
	planted := map[string]bool{}
	for _, v := range runAxe(t, b) {
		planted[v.ID] = true
	}
	if !planted["image-alt"] || !planted["label"] {
		t.Fatalf("axe-core missed planted violations (found %v): the check would miss real ones", planted)
	}

	checked := 0
	for _, r := range roles {
		rb := b
		if r.email != "" {
			rb = secondBrowser(t, b)
			logIn(t, rb, base, r.email, seed.DemoPassword)
		}
		for _, p := range a11yPages {
			if !strings.Contains(p.roles, r.code) {
				continue
			}
			path := strings.NewReplacer("{question}", question, "{faq}", faq).Replace(p.path)
			step(t, rb, r.code+" "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
			for _, v := range runAxe(t, rb) {
				var where []string
				for _, n := range v.Nodes {
					where = append(where, fmt.Sprintf("%v %.120s", n.Target, n.HTML))
				}
				t.Errorf("%s as %s: %s (%s): %s\n\t%s", path, r.code, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
			}
			checked++
		}
	}
	t.Logf("axe-core checked %d page × role combinations", checked)
}
