package faq

import "strings"

// DiffLine is one line of a diff: Op is " " (in both versions), "-" (only
// in the old one) or "+" (only in the new one).
type DiffLine struct {
	Op   string
	Text string
}

// Added and Removed are for templates.
func (l DiffLine) Added() bool   { return l.Op == "+" }
func (l DiffLine) Removed() bool { return l.Op == "-" }

// maxDiffCells bounds the LCS table (lines of old × lines of new, after the
// common start and end are cut off): beyond it the changed middle is shown
// as removed and added as a whole rather than spending memory on it.
const maxDiffCells = 1 << 22

// Diff compares two texts line by line (CRLF counts as LF) and returns
// the lines of both in order: a longest common subsequence of lines is
// kept, everything else is removed or added, removals before additions.
func Diff(old, new string) []DiffLine {
	a, b := splitLines(old), splitLines(new)
	// The common start and end need no table; edits are usually local.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]DiffLine, 0, len(a)+len(b))
	for _, l := range a[:pre] {
		out = append(out, DiffLine{" ", l})
	}
	out = append(out, diffMiddle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		out = append(out, DiffLine{" ", l})
	}
	return out
}

// diffMiddle diffs two line lists by dynamic programming: lcs[i][j] is the
// length of the longest common subsequence of a[i:] and b[j:].
func diffMiddle(a, b []string) []DiffLine {
	var out []DiffLine
	if len(a)*len(b) > maxDiffCells {
		for _, l := range a {
			out = append(out, DiffLine{"-", l})
		}
		for _, l := range b {
			out = append(out, DiffLine{"+", l})
		}
		return out
	}
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{" ", a[i]})
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, DiffLine{"-", a[i]})
			i++
		default:
			out = append(out, DiffLine{"+", b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{"-", a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{"+", b[j]})
	}
	return out
}

// splitLines splits a text into lines; an empty text has none and a final
// newline starts no extra line.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
