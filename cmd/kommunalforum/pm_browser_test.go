package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPMQuestionAnsweredOfficially walks a question to the
// programme management in real Chromium: a member asks it through the
// form, a pm user (in a separate browser context, so with its own
// cookies) takes it over, answers and marks the answer official, and the
// member, reloading, sees the status "Beantwortet" and the official badge.
func TestBrowserPMQuestionAnsweredOfficially(t *testing.T) {
	base, data := startServer(t)
	addUsers(t, data,
		testUser{"mira.mitglied@gemeinde-beispielhausen.de", "Mira Mitglied", "member", ""},
		testUser{"paula.pm@bund.example.de", "Paula PM", "pm", ""},
	)
	member := newBrowser(t)
	pm := secondBrowser(t, member)
	logIn(t, member, base, "mira.mitglied@gemeinde-beispielhausen.de", testPassword)

	// The member finds the area in the main navigation and asks there.
	title := "Elterngeld digital: Wer trägt die Betriebskosten?"
	step(t, member, "open the PM area",
		chromedp.Navigate(base+"/themenfeld/familie-kind"),
		chromedp.Click(chromedp.CSS(`.primary-nav a[href="/pm"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/neues-thema?art=pm_question"]`)),
	)
	if h1 := text(t, member, "main h1"); h1 != "Fragen an das Programmmanagement" {
		t.Fatalf("PM area h1 = %q", h1)
	}
	step(t, member, "ask a PM question",
		chromedp.Click(chromedp.CSS(`main a[href="/neues-thema?art=pm_question"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-title")),
		chromedp.SetValue(chromedp.CSS("#f-topic_field"), "familie-kind"),
		chromedp.Click(chromedp.CSS("#f-kind-pm_question")),
		chromedp.SendKeys(chromedp.CSS("#f-title"), title),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "Bitte um eine verbindliche Auskunft für den **Landkreis**."),
		submit("main form button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS(".pm-info")),
	)
	threadURL, err := chromedp.Run(member, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if info := text(t, member, ".pm-info"); !strings.Contains(info, "Offen") || !strings.Contains(info, "Antwortfrist") {
		t.Fatalf("PM info after asking = %q; want Offen and the deadline", info)
	}

	// The pm user finds it in the queue, takes it over, answers and marks the answer official.
	logIn(t, pm, base, "paula.pm@bund.example.de", testPassword)
	step(t, pm, "open the queue",
		chromedp.Navigate(base+"/pm/queue"),
		chromedp.WaitVisible(chromedp.CSS(".pm-queue")),
	)
	if q := text(t, pm, ".pm-queue tbody"); !strings.Contains(q, title) || !strings.Contains(q, "Neu") {
		t.Fatalf("queue = %q; want the new question", q)
	}
	step(t, pm, "take the question over",
		chromedp.Click(chromedp.CSS(".pm-queue tbody th a")),
		chromedp.WaitVisible(chromedp.CSS(".pm-actions")),
		submit(`.pm-actions form[action$="/zuweisen"] button`),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if info := text(t, pm, ".pm-info"); !strings.Contains(info, "In Bearbeitung bei Paula PM") {
		t.Fatalf("PM info after taking over = %q", info)
	}
	step(t, pm, "answer",
		chromedp.SendKeys(chromedp.CSS("#f-body"), "Die Betriebskosten trägt das Land."),
		submit("#antworten button[type=submit]"),
		chromedp.WaitVisible(chromedp.CSS(`.post-list .post:nth-of-type(2) form[action$="/amtlich"] button`)),
	)
	step(t, pm, "mark the answer official",
		submit(`.post-list .post:nth-of-type(2) form[action$="/amtlich"] button`),
		chromedp.WaitVisible(chromedp.CSS(".official-head")),
	)

	// The member reloads and sees the answer and the status.
	step(t, member, "reload the question",
		chromedp.Navigate(threadURL),
		chromedp.WaitVisible(chromedp.CSS(".official-head")),
	)
	if info := text(t, member, ".pm-info"); !strings.Contains(info, "Beantwortet") || !strings.Contains(info, "Antwortzeit") {
		t.Errorf("PM info after the answer = %q; want Beantwortet and the response time", info)
	}
	head := text(t, member, ".post-list .post:nth-of-type(2) .official-head")
	for _, want := range []string{"Amtliche Antwort", "OZG-Programmmanagement", "Stand:", "Version 1"} {
		if !strings.Contains(head, want) {
			t.Errorf("official block = %q; want %q", head, want)
		}
	}
	if body := text(t, member, ".post-list .post:nth-of-type(2) .post-body"); !strings.Contains(body, "trägt das Land") {
		t.Errorf("official answer = %q", body)
	}

	// The PM pages fit a phone's width; wide tables scroll in their own box.
	for _, path := range []string{"/pm", "/pm/queue", "/pm/statistik", strings.TrimPrefix(threadURL, base)} {
		step(t, pm, "phone width "+path,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(base+path),
			chromedp.WaitVisible(chromedp.CSS("main h1")),
		)
		overflow, err := chromedp.Run(pm, chromedp.Evaluate[bool]("document.documentElement.scrollWidth > window.innerWidth + 1"))
		if err != nil {
			t.Fatal(err)
		}
		if overflow {
			t.Errorf("%s scrolls horizontally at phone width", path)
		}
	}
}
