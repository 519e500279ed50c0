package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"kommunalforum/internal/seed"
)

// keyboard drives a page with the keyboard only: Tab moves the focus,
// typing goes into the focused element, Enter and Space activate it.
type keyboard struct {
	t *testing.T
	b context.Context
}

// focused describes the focused element for failure messages.
const focusedJS = `(() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 120) : "none"; })()`

// tabTo presses Tab until the element matching sel has the focus. Every
// element passed on the way must show the focus ring (:focus-visible with
// an outline or a changed background), so keyboard users always see
// where they are. It fails after max presses: the element is not
// reachable in the tab order.
func (k keyboard) tabTo(sel string, max int) {
	k.t.Helper()
	for i := 0; i < max; i++ {
		k.press(kb.Tab)
		ctx, cancel := context.WithTimeout(k.b, 10*time.Second)
		state, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](fmt.Sprintf(`(() => {
			const e = document.activeElement;
			if (!e || e === document.body) return [false, true, "body"];
			const cs = getComputedStyle(e);
			const ring = e.matches(":focus-visible") && ((cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== "none");
			return [e.matches(%q), ring, e.outerHTML.slice(0, 100)];
		})()`, sel)))
		cancel()
		if err != nil {
			k.t.Fatalf("tab towards %s: %v", sel, err)
		}
		if !state[1].(bool) {
			k.t.Errorf("focus is not visible on %v", state[2])
		}
		if state[0].(bool) {
			return
		}
	}
	where, _ := chromedp.Run(k.b, chromedp.Evaluate[string](focusedJS))
	k.t.Fatalf("%s not reached with %d Tab presses (focus on %s)", sel, max, where)
}

// press sends keys to the focused element.
func (k keyboard) press(keys string) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(k.b, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(keys)); err != nil {
		k.t.Fatalf("keys %q: %v", keys, err)
	}
}

// activate presses key on the focused control and waits for the answer.
func (k keyboard) activate(key string) {
	k.t.Helper()
	step(k.t, k.b, fmt.Sprintf("key %q", key), navigates(fmt.Sprintf("key %q", key), chromedp.KeyEvent(key)))
}

// announced returns the text of the page's live status message: the flash
// (role=status) or the error summary (role=alert).
func (k keyboard) announced() string {
	k.t.Helper()
	s, err := chromedp.Run(k.b, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('[role=status], [role=alert]')).map(e => e.textContent.trim()).join(" | ")`))
	if err != nil {
		k.t.Fatal(err)
	}
	return s
}

// TestBrowserKeyboardOnly walks the main tasks with the keyboard alone:
// register, log in, ask a question, answer, vote, accept, flag, and hide
// the flagged post from the review queue.
func TestBrowserKeyboardOnly(t *testing.T) {
	base, _ := startServer(t, "--demo")
	b := newBrowser(t)
	k := keyboard{t, b}

	// Register, first with a mistake: the error summary takes the focus.
	step(t, b, "registration form", chromedp.Navigate(base+"/registrieren"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	k.tabTo("#f-email", 40)
	k.press("tastatur@kreis-musterland.de")
	k.tabTo("main form button[type=submit]", 15)
	k.activate(kb.Enter)
	if got := k.announced(); !strings.Contains(got, "Bitte korrigieren") && !strings.Contains(got, "Fehler") {
		t.Errorf("after an incomplete registration the page announces %q; want the error summary", got)
	}
	focus, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.activeElement.className`))
	if !strings.Contains(focus, "error-summary") {
		t.Errorf("focus after the failed submit is on %q, want the error summary", focus)
	}
	k.tabTo("#f-display_name", 30)
	k.press("Tara Tastatur")
	k.tabTo("#f-org_name", 5)
	k.press("Landkreis Musterland")
	k.tabTo("#f-org_type", 5)
	k.press("L") // type-ahead in the select: Landkreis
	k.tabTo("#f-password", 5)
	k.press("Nur-mit-der-Tastatur-2026")
	k.tabTo("main form button[type=submit]", 10)
	k.activate(kb.Enter)
	if h1 := text(t, b, "main h1"); !strings.Contains(h1, "Bitte bestätigen Sie Ihre E-Mail-Adresse") {
		t.Fatalf("after registering: %q", h1)
	}

	// Log in as a member and ask a question in a field the demo moderator looks after.
	member := secondBrowser(t, b)
	km := keyboard{t, member}
	step(t, member, "login form", chromedp.Navigate(base+"/anmelden"), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	km.tabTo("#f-email", 40)
	km.press("s.yilmaz@kommunalforum.example")
	km.tabTo("#f-password", 5)
	km.press(seed.DemoPassword)
	km.activate(kb.Enter) // Enter in a field submits its form
	km.tabTo(`a[href^="/neues-thema"]`, 40)
	km.activate(kb.Enter)
	km.tabTo("#f-topic_field", 40)
	km.press("Plattformen") // type-ahead to "Plattformen & Basisdienste"
	km.tabTo("#f-title", 20)
	title := "Tastaturtest: Wie testen wir FIT-Connect ohne Maus?"
	km.press(title)
	km.tabTo("#f-body", 10)
	km.press("Wir möchten die Anbindung an FIT-Connect barrierefrei prüfen. Wer hat Erfahrung?")
	km.tabTo("main form.form button[type=submit]", 15)
	km.activate(kb.Enter)
	if h1 := text(t, member, "main h1"); h1 != title {
		t.Fatalf("after asking: heading %q (announced %q)", h1, km.announced())
	}
	if got := km.announced(); got == "" {
		t.Error("posting the question announced nothing")
	}
	questionURL, _ := chromedp.Run(member, chromedp.Location())

	// Another member answers.
	answerer := secondBrowser(t, b)
	logIn(t, answerer, base, "t.brandt@kommunalforum.example", seed.DemoPassword)
	ka := keyboard{t, answerer}
	step(t, answerer, "question page", chromedp.Navigate(questionURL), chromedp.WaitVisible(chromedp.CSS("#f-body")))
	ka.tabTo("#f-body", 80)
	ka.press("Wir testen mit der FIT-Connect-Testumgebung und einem Screenreader; das Sandbox-Zertifikat bekommen Sie bei der FITKO.")
	ka.tabTo("#antworten button[type=submit]", 10)
	ka.activate(kb.Enter)
	if got := ka.announced(); got == "" {
		t.Error("posting the answer announced nothing")
	}

	// The asker votes the answer up (Space on the button) and accepts it (Enter).
	step(t, member, "reload the question", chromedp.Navigate(questionURL), chromedp.WaitVisible(chromedp.CSS(".vote-up")))
	km.tabTo(".vote-up", 80)
	km.activate(" ")
	pressed, _ := chromedp.Run(member, chromedp.Evaluate[string](`document.querySelector(".post-list .post:nth-of-type(2) .vote-up").getAttribute("aria-pressed")`))
	if pressed != "true" {
		t.Errorf("after voting with Space, aria-pressed = %q", pressed)
	}
	km.tabTo(".accept-button", 80)
	km.activate(kb.Enter)
	if got := km.announced(); got == "" {
		t.Error("accepting announced nothing")
	}
	accepted, _ := chromedp.Run(member, chromedp.Evaluate[bool](`!!document.querySelector(".post-accepted")`))
	if !accepted {
		t.Error("the answer is not shown as accepted")
	}

	// The answerer flags the question's opening post.
	step(t, answerer, "question again", chromedp.Navigate(questionURL), chromedp.WaitVisible(chromedp.CSS("main h1")))
	ka.tabTo(`.post-list .post:first-of-type a[href$="/melden"]`, 80)
	ka.activate(kb.Enter)
	// Tab enters the radio group at its first option; the arrow key moves
	// on and selects, as in every native radio group.
	ka.tabTo("#f-reason-spam", 40)
	ka.press(kb.ArrowDown)
	if v, _ := chromedp.Run(answerer, chromedp.Evaluate[string](`document.querySelector("input[name=reason]:checked").value`)); v != "off_topic" {
		t.Errorf("after ArrowDown the chosen reason is %q", v)
	}
	ka.tabTo("main form button[type=submit]", 20)
	ka.activate(kb.Enter)
	if got := ka.announced(); !strings.Contains(got, "Danke für Ihre Meldung") {
		t.Errorf("after flagging: %q", got)
	}

	// The moderator hides it from the review queue.
	mod := secondBrowser(t, b)
	logIn(t, mod, base, "moderation@kommunalforum.example", seed.DemoPassword)
	ko := keyboard{t, mod}
	step(t, mod, "review queue", chromedp.Navigate(base+"/moderation"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	ko.tabTo(`input[id^="hide-reason-"]`, 80)
	ko.press("Nicht zum Thema dieses Themenfelds.")
	ko.activate(kb.Enter)
	if got := ko.announced(); got == "" {
		t.Error("hiding announced nothing")
	}
}
