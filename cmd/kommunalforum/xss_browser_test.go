package main

import (
	"context"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// xssVectors are put together from public cheat sheets (OWASP XSS filter
// evasion, PortSwigger's XSS cheat sheet) and sanitiser test suites, plus
// the Markdown-specific ones: javascript: links in several spellings,
// reference links, autolinks, image titles, raw HTML, entity tricks. Each
// would call alert(), which the test watches for.
var xssVectors = []string{
	`<script>alert(1)</script>`,
	`"><script>alert(1)</script>`,
	`'><img src=x onerror=alert(1)>`,
	`<img src=x onerror=alert(1)>`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<body onload=alert(1)>`,
	`<details open ontoggle=alert(1)>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<a href="javascript:alert(1)">Link</a>`,
	`<a href="&#106;avascript:alert(1)">Link</a>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<form><button formaction=javascript:alert(1)>X</button></form>`,
	`<input autofocus onfocus=alert(1)>`,
	`<style>@import "javascript:alert(1)";</style>`,
	`<object data="data:text/html,<script>alert(1)</script>"></object>`,
	`[Klick](javascript:alert(1))`,
	`[Klick](JaVaScRiPt:alert(1))`,
	`[Klick](javascript&#58;alert(1))`,
	`[Klick](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))`,
	`[Klick](java%0ascript:alert(1))`,
	`[Klick]( javascript:alert(1) )`,
	`[Klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`[Klick](vbscript:msgbox(1))`,
	"[Referenz][r]\n\n[r]: javascript:alert(1)",
	`<javascript:alert(1)>`,
	`![Bild](x" onerror="alert(1))`,
	`![Bild](/assets/img/favicon.svg "Titel\" onerror=\"alert(1)")`,
	`![Bild](javascript:alert(1))`,
	"`<script>alert(1)</script>`",
	"```html\n<script>alert(1)</script>\n```",
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`{{.}} {{template "layout"}} ${alert(1)}`,
	`<!--<img src="--><img src=x onerror=alert(1)//">`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
}

// TestBrowserHostileContent posts the vectors as titles, bodies, display
// and organisation names, a topic field name, a flag text, an FAQ entry and
// a search query, then opens every page type and the mails they caused in
// real Chromium: nothing may execute (no dialog), the CSP must report no
// violation, and the DOM must hold no script, no event handler attribute
// and no javascript: link that we did not ship.
func TestBrowserHostileContent(t *testing.T) {
	t.Setenv("KF_MAIL_IMMEDIATE_DELAY", "0s") // notification mails at once, for the mail check
	base, data := startServer(t)
	hostileName := `Eve <img src=x onerror=alert(1)>`
	hostileOrg := `"><svg onload=alert(1)>`
	code, _, errOut := runCmd(t, testPassword+"\n", "user", "add", "--data", data, "--email", "eve@kreis-musterland.de",
		"--name", hostileName, "--org", hostileOrg, "--org-type", "gemeinde", "--role", "admin", "--password-stdin")
	if code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	addUsers(t, data, testUser{"mira@kreis-musterland.de", `Mira <script>alert(1)</script>`, "pm", ""})
	eve, mira := apiToken(t, data, "eve@kreis-musterland.de"), apiToken(t, data, "mira@kreis-musterland.de")

	// Eve wants every mail at once: Mira's replies below become notification
	// mails with HTML parts carrying the hostile names, titles and bodies.
	if code, err := sendJSON(t, http.MethodPut, base+"/api/v1/me/settings", eve, map[string]any{"delivery": "immediate", "mail_consent": true}, nil); err != nil || code >= 300 {
		t.Fatalf("mail settings: %d %v", code, err)
	}
	body := strings.Join(xssVectors, "\n\n")
	post := func(tok, path string, in map[string]any) map[string]any {
		t.Helper()
		var out map[string]any
		if code, err := postJSON(t, base+path, tok, in, &out); err != nil || code >= 300 {
			t.Fatalf("POST %s: %d %v", path, code, err)
		}
		return out
	}
	var threads []string
	for i, kind := range []string{"discussion", "question", "pm_question"} {
		th := post(eve, "/api/v1/threads", map[string]any{"topic_field": "querschnitt", "kind": kind,
			"title": fmt.Sprintf("%s Frage %d", xssVectors[i], i), "body": body})
		threads = append(threads, th["url"].(string))
		reply := post(mira, fmt.Sprintf("/api/v1/threads/%v/posts", th["id"]), map[string]any{"body": body})
		post(eve, fmt.Sprintf("/api/v1/posts/%v/flags", reply["id"]), map[string]any{"reason": "other", "text": xssVectors[3]})
	}
	faq := post(eve, "/api/v1/faqs", map[string]any{"topic_field": "querschnitt", "question": xssVectors[1] + " FAQ", "answer": body, "publish": true})

	b := newBrowser(t)
	problems := watchConsole(t, b, func(ev any, problems *consoleProblems) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			problems.add("DIALOG OPENED: " + e.Message)
			// Close it, or the page would hang.
			go chromedp.Do(b, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
				return err
			}))
		}
	})
	logIn(t, b, base, "eve@kreis-musterland.de", testPassword)

	// The topic field's name, through the admin form.
	step(t, b, "rename a topic field",
		chromedp.Navigate(base+"/admin/themenfelder"),
		chromedp.WaitVisible(chromedp.CSS("main h1")),
	)
	editURL, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector('main a[href^="/admin/themenfelder/"]:not([href$="/neu"])').getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	step(t, b, "field form",
		chromedp.Navigate(base+editURL),
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
		chromedp.SetValue(chromedp.CSS("#f-name"), `Feld <svg onload=alert(1)>`),
		submit("main form.form button[type=submit]"),
	)

	pages := append([]string{
		"/", "/themenfeld/querschnitt", "/fragen", "/pm", "/pm/queue", "/pm/statistik", "/faq",
		fmt.Sprintf("/faq/%v", faq["id"]), "/themenfeld/querschnitt/faq",
		"/suche?q=" + url.QueryEscape(`<script>alert(1)</script> "><img src=x onerror=alert(1)>`),
		"/suche?q=" + url.QueryEscape(`von:"><svg/onload=alert(1)>`),
		"/moderation", "/moderation/protokoll", "/admin/benutzer", "/admin/protokoll", "/admin/themenfelder",
		"/admin/moderation", "/konto", "/u/1", "/u/2", "/neues-thema",
	}, threads...)
	checkDOM := `(() => {
		const bad = [];
		for (const s of document.scripts) {
			if (!s.src || new URL(s.src).origin !== location.origin || !new URL(s.src).pathname.startsWith("/assets/")) bad.push("script " + s.outerHTML.slice(0, 80));
		}
		for (const el of document.querySelectorAll("*")) {
			for (const a of el.attributes) {
				if (a.name.startsWith("on")) bad.push("handler " + el.tagName + " " + a.name);
				if (["href", "src", "action", "formaction", "data", "srcdoc"].includes(a.name) && /^\s*(javascript|vbscript|data):/i.test(a.value)) bad.push("url " + el.tagName + " " + a.value.slice(0, 40));
			}
			if (["IFRAME", "OBJECT", "EMBED", "STYLE"].includes(el.tagName) && !(el.tagName === "STYLE" && el.closest("head"))) bad.push("element " + el.tagName);
		}
		return bad;
	})()`
	for _, p := range pages {
		step(t, b, p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main h1")), chromedp.Sleep(100*time.Millisecond))
		bad, err := chromedp.Run(b, chromedp.Evaluate[[]string](checkDOM))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(bad) > 0 {
			t.Errorf("%s: hostile markup reached the DOM: %v", p, bad)
		}
		if h1 := text(t, b, "main h1"); strings.Contains(h1, "Fehler 500") {
			t.Errorf("%s: %s", p, h1)
		}
		// The page's own status (404 for a page this admin may not see,
		// 400 for an unknown search filter) is reported as a failed load;
		// anything else is a finding.
		for _, pr := range problems.take() {
			if !strings.HasPrefix(pr, "network: Failed to load resource") || !strings.HasSuffix(pr, "("+base+p+")") {
				t.Errorf("%s: browser reported %s", p, pr)
			}
		}
	}

	// Mails: every HTML part of every mail written, opened in Chromium.
	var emls []string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		emls, _ = filepath.Glob(filepath.Join(data, "mail-pickup", "*.eml"))
		if len(emls) >= 3 || time.Now().After(deadline) {
			break
		}
	}
	if len(emls) == 0 {
		t.Fatal("no mail was written; the mail check would check nothing")
	}
	htmlParts := 0
	for _, f := range emls {
		for i, part := range mailHTMLParts(t, f) {
			htmlParts++
			file := filepath.Join(t.TempDir(), fmt.Sprintf("mail-%d.html", i))
			if err := os.WriteFile(file, []byte(part), 0o600); err != nil {
				t.Fatal(err)
			}
			step(t, b, "mail "+filepath.Base(f), chromedp.Navigate("file://"+file), chromedp.Sleep(100*time.Millisecond))
			bad, err := chromedp.Run(b, chromedp.Evaluate[[]string](strings.Replace(checkDOM, `new URL(s.src).origin !== location.origin || `, "", 1)))
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) > 0 {
				t.Errorf("mail %s: %v", filepath.Base(f), bad)
			}
			for _, p := range problems.take() {
				if strings.Contains(p, "DIALOG") {
					t.Errorf("mail %s: %s", filepath.Base(f), p)
				}
			}
		}
	}
	if htmlParts == 0 {
		t.Errorf("none of the %d mails has an HTML part; the notification mails were expected to", len(emls))
	}
	t.Logf("checked %d pages and %d HTML mail parts of %d mails", len(pages), htmlParts, len(emls))
}

// mailHTMLParts returns the decoded text/html parts of the .eml file.
func mailHTMLParts(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	var walk func(ctype, cte string, r interface{ Read([]byte) (int, error) })
	walk = func(ctype, cte string, r interface{ Read([]byte) (int, error) }) {
		mt, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			return
		}
		switch {
		case strings.HasPrefix(mt, "multipart/"):
			mr := multipart.NewReader(r, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return
				}
				walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			}
		case mt == "text/html":
			out = append(out, decodePart(t, ctype, cte, r))
		}
	}
	walk(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
	return out
}
