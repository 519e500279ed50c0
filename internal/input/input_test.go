package input

import (
	"errors"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		name     string
		value    string
		required bool
		min, max int
		want     string
		wantKey  string
	}{
		{"ok", "  Bauantrag digital  ", true, 3, 20, "Bauantrag digital", ""},
		{"umlauts count as one", "Ämter", true, 1, 5, "Ämter", ""},
		{"required empty", "   ", true, 1, 10, "", "error.input.required"},
		{"optional empty", "", false, 3, 10, "", ""},
		{"too short", "ab", true, 3, 10, "ab", "error.input.too_short"},
		{"too long not truncated", strings.Repeat("ä", 11), true, 1, 10, strings.Repeat("ä", 11), "error.input.too_long"},
		{"invalid utf8", "ab\xffcd", true, 1, 10, "ab\xffcd", "error.input.invalid_utf8"},
		{"control char", "ab\x00cd", true, 1, 10, "ab\x00cd", "error.input.control_chars"},
		{"newline in single line", "ab\ncd", true, 1, 10, "ab\ncd", "error.input.control_chars"},
		{"bidi override", "abc\u202edcba", true, 1, 20, "abc\u202edcba", "error.input.control_chars"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Checker
			got := c.Text("f", tt.value, tt.required, tt.min, tt.max)
			if got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.value, got, tt.want)
			}
			checkKey(t, c.Err(), tt.wantKey)
		})
	}
}

func TestMultiline(t *testing.T) {
	var c Checker
	got := c.Multiline("body", "Zeile 1\r\n\tZeile 2  \n\n", true, 1, 100)
	if got != "Zeile 1\n\tZeile 2" || c.Err() != nil {
		t.Errorf("Multiline = %q, %v", got, c.Err())
	}
	var c2 Checker
	c2.Multiline("body", "a\x07b", true, 1, 100)
	checkKey(t, c2.Err(), "error.input.control_chars")
}

func TestEmail(t *testing.T) {
	tests := []struct {
		in, want, key string
	}{
		{"Anna.Schmidt@Landkreis-Musterstadt.de", "anna.schmidt@landkreis-musterstadt.de", ""},
		{"  a@b.de ", "a@b.de", ""},
		{"no-at-sign", "no-at-sign", "error.input.email"},
		{"Anna <a@b.de>", "Anna <a@b.de>", "error.input.email"},
		{"a@localhost", "a@localhost", "error.input.email"},
		{"", "", "error.input.required"},
	}
	for _, tt := range tests {
		var c Checker
		if got := c.Email("email", tt.in); got != tt.want {
			t.Errorf("Email(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkKey(t, c.Err(), tt.key)
	}
}

func TestFirstErrorWins(t *testing.T) {
	var c Checker
	c.Add("f", "first")
	c.Add("f", "second")
	c.OneOf("g", "x", []string{"a", "b"})
	var ve *ValidationError
	if !errors.As(c.Err(), &ve) || ve.Fields["f"].Key != "first" || ve.Fields["g"].Key != "error.input.choice" {
		t.Errorf("Err() = %v", c.Err())
	}
}

func checkKey(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("err = %v, want nil", err)
		}
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want ValidationError with %s", err, want)
	}
	for _, m := range ve.Fields {
		if m.Key == want {
			return
		}
	}
	t.Errorf("err = %v, want key %s", err, want)
}
