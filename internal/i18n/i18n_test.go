package i18n

import (
	"strings"
	"testing"
)

func TestCataloguesComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(c.Languages()) < 2 {
		t.Fatalf("Languages() = %v, want de and en", c.Languages())
	}
	for _, lang := range c.Languages()[1:] {
		for _, k := range c.Keys(Default) {
			if _, ok := c.msgs[lang][k]; !ok {
				t.Errorf("%s lacks key %q", lang, k)
			}
		}
		for _, k := range c.Keys(lang) {
			if _, ok := c.msgs[Default][k]; !ok {
				t.Errorf("%s has key %q that German lacks", lang, k)
			}
		}
	}
	// Format verbs must agree between languages, or a translation would
	// print %!d(MISSING).
	for _, k := range c.Keys(Default) {
		de := strings.Count(c.msgs[Default][k], "%")
		for _, lang := range c.Languages()[1:] {
			if en, ok := c.msgs[lang][k]; ok && strings.Count(en, "%") != de {
				t.Errorf("key %q: %s has %d %%-verbs, de has %d", k, lang, strings.Count(en, "%"), de)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ header, want string }{
		{"", "de"},
		{"de-AT,de;q=0.9", "de"},
		{"en-US,en;q=0.9,de;q=0.8", "en"},
		{"fr-FR,fr;q=0.9", "de"},
		{"fr, en;q=0.5, de;q=0.7", "de"},
		{"EN", "en"},
		{"en;q=abc", "de"},
	}
	for _, tt := range tests {
		if got := c.Match(tt.header); got != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestTFallbacks(t *testing.T) {
	c := &Catalog{msgs: map[string]map[string]string{
		"de": {"a": "Hallo %s", "n.one": "%d Beitrag", "n.other": "%d Beiträge"},
		"en": {},
	}}
	tests := []struct{ got, want string }{
		{c.T("en", "a", "Welt"), "Hallo Welt"},
		{c.T("de", "missing"), "missing"},
		{c.N("de", "n", 1), "1 Beitrag"},
		{c.N("de", "n", 0), "0 Beiträge"},
		{c.N("de", "n", 5), "5 Beiträge"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d = %q, want %q", i, tt.got, tt.want)
		}
	}
}
