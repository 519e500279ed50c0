package faq

import (
	"strings"
	"testing"
)

// render writes a diff as one line per entry, "op text".
func render(ls []DiffLine) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Op + l.Text + "\n")
	}
	return b.String()
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"both empty", "", "", ""},
		{"from nothing", "", "a\nb", "+a\n+b\n"},
		{"to nothing", "a\nb\n", "", "-a\n-b\n"},
		{"same", "a\nb", "a\nb\n", " a\n b\n"},
		{"changed line", "a\nb\nc", "a\nB\nc", " a\n-b\n+B\n c\n"},
		{"insert in middle", "a\nc", "a\nb\nc", " a\n+b\n c\n"},
		{"delete at start", "x\na\nb", "a\nb", "-x\n a\n b\n"},
		{"crlf equals lf", "a\r\nb\r\n", "a\nb", " a\n b\n"},
		{"lcs kept", "a\nb\nc\nd\ne", "b\nx\nd\ne\ny", "-a\n b\n-c\n+x\n d\n e\n+y\n"},
		{"moved block", "1\n2\n3\n4", "3\n4\n1\n2", "-1\n-2\n 3\n 4\n+1\n+2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(Diff(tt.old, tt.new)); got != tt.want {
				t.Errorf("Diff(%q, %q) =\n%s\nwant\n%s", tt.old, tt.new, got, tt.want)
			}
		})
	}
}

// TestDiffKeepsEveryLine: whatever the inputs, the old text is the " " and
// "-" lines and the new text the " " and "+" lines, in order.
func TestDiffKeepsEveryLine(t *testing.T) {
	texts := []string{"", "a", "a\nb\na\nb", "x\ny\nz", "b\na\nb\na\nc", strings.Repeat("z\n", 30)}
	for _, a := range texts {
		for _, b := range texts {
			var olds, news []string
			for _, l := range Diff(a, b) {
				if l.Op != "+" {
					olds = append(olds, l.Text)
				}
				if l.Op != "-" {
					news = append(news, l.Text)
				}
			}
			if got, want := strings.Join(olds, "\n"), strings.Join(splitLines(a), "\n"); got != want {
				t.Errorf("Diff(%q, %q): old side %q, want %q", a, b, got, want)
			}
			if got, want := strings.Join(news, "\n"), strings.Join(splitLines(b), "\n"); got != want {
				t.Errorf("Diff(%q, %q): new side %q, want %q", a, b, got, want)
			}
		}
	}
}

// TestDiffLarge falls back to remove-all/add-all beyond the table limit.
func TestDiffLarge(t *testing.T) {
	var a, b strings.Builder
	for i := range 3000 {
		a.WriteString("alt " + strings.Repeat("x", i%7) + "\n")
		b.WriteString("neu " + strings.Repeat("y", i%5) + "\n")
	}
	d := Diff(a.String(), b.String())
	if len(d) != 6000 || d[0].Op != "-" || d[5999].Op != "+" {
		t.Errorf("large diff: %d lines, first %q, last %q", len(d), d[0].Op, d[len(d)-1].Op)
	}
}
