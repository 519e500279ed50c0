package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// follow clicks the link matching sel and waits for the page it leads to,
// as submit does for forms.
func follow(sel string) chromedp.Action[chromedp.Void] {
	return navigates("clicking "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// TestBrowserSearch searches the demo content from the header box, narrows
// the results with a facet and opens a hit, landing on the exact post.
func TestBrowserSearch(t *testing.T) {
	base, _ := startServer(t, "--demo")
	// The demo content reaches the index through the background build.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var res struct{ Total int }
		resp, err := http.Get(base + "/api/v1/search?q=Bauantrag")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&res)
			resp.Body.Close()
		}
		if res.Total > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo content not searchable after 30 s: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}

	b := newBrowser(t)
	step(t, b, "home page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	step(t, b, "search from the header",
		chromedp.SendKeys(chromedp.CSS("#header-search-q"), "Bauantrag"),
		submit("form.header-search"),
		chromedp.WaitVisible(chromedp.CSS(".search-hit")))
	if loc := location(t, b); !strings.Contains(loc, "/suche?q=Bauantrag") {
		t.Fatalf("header search went to %s", loc)
	}
	all := text(t, b, ".search-count")
	if !strings.Contains(all, "Treffer") {
		t.Fatalf("result count = %q", all)
	}
	if mark := text(t, b, ".search-snippet mark"); !strings.Contains(strings.ToLower(mark), "antrag") {
		t.Errorf("highlighted word = %q", mark)
	}

	// Narrow by topic field: the facet link adds themenfeld:…, and the
	// count shrinks or stays.
	facet := text(t, b, `.search-facet a[href*="themenfeld"]`)
	step(t, b, "use a facet", follow(`.search-facet a[href*="themenfeld"]`), chromedp.WaitVisible(chromedp.CSS(".search-hit")))
	if loc := location(t, b); !strings.Contains(loc, "themenfeld%3A") {
		t.Fatalf("facet went to %s", loc)
	}
	active := text(t, b, ".search-facet a.is-active")
	name := strings.TrimSpace(facet[:strings.Index(facet, "(")])
	if !strings.Contains(active, name) {
		t.Errorf("active facet = %q, want %q", active, name)
	}
	narrowed := text(t, b, ".search-count")
	if count(t, narrowed) > count(t, all) || !strings.Contains(facet, fmt.Sprintf("(%d)", count(t, narrowed))) {
		t.Errorf("after the facet %q: %q (before %q)", facet, narrowed, all)
	}
	for _, f := range texts(t, b, ".search-hit .meta") {
		if !strings.Contains(f, name) {
			t.Errorf("hit outside the facet's field %s: %q", name, f)
		}
	}

	// Open the first hit: the permalink lands on the post in its thread.
	href := attr(t, b, ".search-hit-title a", "href")
	step(t, b, "open a hit", follow(".search-hit-title a"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	loc := location(t, b)
	postID := strings.TrimPrefix(href, "/beitrag/")
	if !strings.HasSuffix(loc, "#beitrag-"+postID) {
		t.Fatalf("hit %s landed on %s, want the post anchor #beitrag-%s", href, loc, postID)
	}
	step(t, b, "the post is on the page", chromedp.WaitVisible(chromedp.CSS("#beitrag-"+postID)))
}

func location(t *testing.T, b context.Context) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b, 10*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func attr(t *testing.T, b context.Context, sel, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute(%q)`, sel, name)))
	if err != nil {
		t.Fatalf("%s[%s]: %v", sel, name, err)
	}
	return v
}

func texts(t *testing.T, b context.Context, sel string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => e.textContent)`, sel)))
	if err != nil {
		t.Fatalf("texts of %s: %v", sel, err)
	}
	return v
}

// count reads the number in "12 Treffer".
func count(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d", &n); err != nil {
		t.Fatalf("no count in %q", s)
	}
	return n
}
