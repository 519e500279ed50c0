package mail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// (g) The pickup folder gets one complete, parseable .eml per message and no
// leftover temp files.
func TestPickupSender(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pickup", "neu")
	msgs := []Message{
		{MessageID: NewMessageID("forum.example"), From: testFrom, To: "a@example.org",
			Subject: "Neue Antwort auf „Übergangsfristen“", Text: "Grüße", HTML: "<p>Grüße</p>"},
		{MessageID: "<weird/../id:1@forum.example>", From: testFrom, To: "b@example.org",
			Subject: "Wöchentliche Übersicht", Text: "Straße"},
	}
	errs := PickupSender{Dir: dir}.Send(context.Background(), msgs)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Send[%d]: %v", i, err)
		}
	}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm()&^0o750 != 0 {
		t.Fatalf("pickup dir: %v, %v; want a directory with at most 0750", fi, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(msgs) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("pickup dir holds %v, want %d .eml files only", names, len(msgs))
	}
	byID := map[string]Message{}
	for _, m := range msgs {
		byID[m.MessageID] = m
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".eml") || strings.HasPrefix(name, ".") || strings.ContainsAny(name, "<>/:") {
			t.Errorf("file name %q, want <timestamp>-<sanitised id>.eml", name)
		}
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		p := parseMessage(t, raw)
		id := p.header.Get("Message-ID")
		m, ok := byID[id]
		if !ok {
			t.Errorf("%s: Message-ID %q, want one of the sent IDs", name, id)
			continue
		}
		delete(byID, id)
		if !strings.Contains(name, sanitizeID(id)) {
			t.Errorf("file name %q does not contain the ID %q", name, sanitizeID(id))
		}
		if p.subject != m.Subject || p.parts["text/plain"] != m.Text || p.parts["text/html"] != m.HTML {
			t.Errorf("%s: subject %q, parts %q; want %q, %q, %q", name, p.subject, p.parts, m.Subject, m.Text, m.HTML)
		}
		if got := p.header.Get("Auto-Submitted"); got != "auto-generated" {
			t.Errorf("%s: Auto-Submitted = %q", name, got)
		}
	}
}

func TestPickupSenderInvalidMessage(t *testing.T) {
	dir := t.TempDir()
	errs := PickupSender{Dir: dir}.Send(context.Background(), []Message{testMessage("kein adressat")})
	if errs[0] == nil || Temporary(errs[0]) {
		t.Errorf("Send = %v, want a permanent error", errs[0])
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("pickup dir holds %d entries after a failed write, want 0", len(entries))
	}
}
