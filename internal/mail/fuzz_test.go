package mail

import (
	"bytes"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNewMsg: whatever the subject, recipient and extra header values, the
// composed message parses, carries no header that was not asked for (no
// header injection through line breaks), and its subject decodes back to
// the one given. The seed corpus runs as a normal test.
func FuzzNewMsg(f *testing.F) {
	f.Add("Neue Antwort: Bauantrag – Fristen", "anna@kreis-musterland.de", "<thread-7@forum.example>")
	f.Add("Betreff\r\nBcc: opfer@example.org", "anna@kreis-musterland.de", "x\r\nBcc: opfer@example.org")
	f.Add("Grüße aus dem Kreishaus ÄÖÜß €", "\"Anna\" <anna@kreis-musterland.de>", "<list.example>")
	f.Add(strings.Repeat("sehr lang ", 40), "a@b.de", "v")
	f.Add("", "keine-adresse", "")
	f.Fuzz(func(t *testing.T, subject, to, value string) {
		g, err := newMsg(Message{MessageID: "<1@forum.example>", From: "Kommunalforum <noreply@forum.example>", To: to,
			Subject: subject, Text: "Text", Headers: map[string]string{"List-Id": value}})
		if err != nil {
			return // refused: fine, as long as it did not panic
		}
		var buf bytes.Buffer
		if _, err := g.WriteTo(&buf); err != nil {
			return
		}
		m, err := mail.ReadMessage(&buf)
		if err != nil {
			t.Fatalf("composed message does not parse: %v", err)
		}
		allowed := map[string]bool{"Date": true, "From": true, "To": true, "Subject": true, "Message-Id": true,
			"Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true, "User-Agent": true,
			"X-Mailer": true, "Auto-Submitted": true, "List-Id": true}
		for k := range m.Header {
			if !allowed[k] {
				t.Fatalf("header %q appeared (subject %q, to %q, value %q)", k, subject, to, value)
			}
		}
		if utf8.ValidString(subject) && !strings.ContainsAny(subject, "\r\n\x00") {
			got, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			if err == nil && strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(subject), " ") {
				t.Fatalf("subject %q came out as %q", subject, got)
			}
		}
	})
}
