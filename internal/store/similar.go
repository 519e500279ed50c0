package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of SimilarQuestions.
const (
	similarMaxWords = 8 // words of the title that are searched for
	similarMaxLimit = 5 // questions returned at most
	similarMinRunes = 3 // shorter words are noise
	// similarMaxLikes bounds the LIKEs run per title: each word is searched
	// as typed, the rest of the budget goes to other spellings, in order.
	similarMaxLikes = 24
)

// similarStopwords are frequent German and English words that say nothing
// about a question's subject. Keys are folded (see foldUmlauts).
var similarStopwords = func() map[string]bool {
	words := strings.Fields(`
		der die das den dem des ein eine einen einem einer eines und oder aber
		für mit von vom zu zum zur im in an am auf aus bei bis nach über unter
		um vor ist sind war wird werden wurde kann können muss müssen soll sollen
		wie was wer wo wann warum wieso welche welcher welches nicht auch noch
		schon nur als wenn dass ob es sie er wir ihr ich man sich uns gibt hat
		haben the and for with from of to in on at by is are was were be can
		how what who where when why which not also this that there any does
		do have has our your you frage fragen question`)
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[foldUmlauts(w)] = true
	}
	return m
}()

// foldUmlauts spells umlauts and ß out, so that "Gebühren" and "Gebuehren"
// count as one word.
func foldUmlauts(s string) string { return umlautFolder.Replace(s) }

var umlautFolder = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// similarWord is a word of the searched title: its folded form (to tell
// words apart) and the spellings a matching title may use.
type similarWord struct {
	folded    string
	spellings []string
}

// similarWords splits a title into the words SimilarQuestions searches for:
// runs of letters and digits, lower-cased, without stopwords, words shorter
// than three characters and repeats (after folding), at most eight.
func similarWords(title string) []similarWord {
	var words []similarWord
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	}) {
		if utf8.RuneCountInString(w) < similarMinRunes {
			continue
		}
		w = strings.ToLower(w)
		f := foldUmlauts(w)
		if similarStopwords[f] || seen[f] {
			continue
		}
		seen[f] = true
		words = append(words, similarWord{folded: f, spellings: spellings(w)})
		if len(words) == similarMaxWords {
			break
		}
	}
	return words
}

// umlautSpellings lists, for each way of writing an umlaut or ß, the ways a
// title may write it instead. LIKE ignores case for ASCII only, so upper-case
// umlauts need their own spelling ("Überweisung"); upper-case ẞ is left out
// as titles in capitals write SS.
var umlautSpellings = map[string][]string{
	"ä": {"ä", "Ä", "ae"}, "ae": {"ae", "ä", "Ä"},
	"ö": {"ö", "Ö", "oe"}, "oe": {"oe", "ö", "Ö"},
	"ü": {"ü", "Ü", "ue"}, "ue": {"ue", "ü", "Ü"},
	"ß": {"ß", "ss"}, "ss": {"ss", "ß"},
}

// spellingsVaried bounds the spellings of one word: only its first two
// umlauts (or ae, oe, ue, ss) are varied, the rest stay as typed.
const spellingsVaried = 2

// spellings returns the lower-case word w in every spelling of its umlauts,
// w itself first: "gebühren" gives gebühren, gebÜhren, gebuehren. A false
// digraph ("neue") only adds a spelling that matches nothing.
func spellings(w string) []string {
	out := []string{""}
	varied := 0
	for i := 0; i < len(w); {
		tok := w[i:min(i+2, len(w))] // ae, oe, ue, ss; ä, ö, ü, ß are two bytes too
		alts, ok := umlautSpellings[tok]
		switch {
		case ok && varied < spellingsVaried:
			varied++
		case ok:
			alts = []string{tok}
		default:
			_, n := utf8.DecodeRuneInString(w[i:])
			tok = w[i : i+n]
			alts = []string{tok}
		}
		next := make([]string, 0, len(out)*len(alts))
		for _, prefix := range out {
			for _, a := range alts {
				next = append(next, prefix+a)
			}
		}
		out = next
		i += len(tok)
	}
	return out
}

// likeEscaper makes a word literal inside a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// SimilarQuestions returns up to limit (at most 5) questions, member and PM
// questions alike, whose titles share words with title: not deleted, in
// active topic fields, most shared words first, then newest activity. One
// shared word is enough for short titles; from three words on, two must
// match, or every title sharing one common word would be suggested.
//
// Words match anywhere in a title ("Gebühr" finds "Verwaltungsgebühren"),
// ignoring ASCII case and the spelling of umlauts and ß. This scans every
// question's title: with 75k questions among 100k threads it takes about
// 75 ms, 170 ms for the worst title (BenchmarkSimilarQuestions). It is a
// stopgap: the bleve index of issue 5 replaces it.
//
// Only questions in fields v may see are candidates.
func (db *DB) SimilarQuestions(ctx context.Context, v Viewer, title string, limit int) ([]Thread, error) {
	words := similarWords(title)
	limit = min(limit, similarMaxLimit)
	if len(words) == 0 || limit <= 0 {
		return nil, nil
	}
	need := 1
	if len(words) >= 3 {
		need = 2
	}
	var score []string
	var args []any
	extra := similarMaxLikes - len(words)
	for _, w := range words {
		n := min(len(w.spellings)-1, extra)
		extra -= n
		var or []string
		for _, sp := range w.spellings[:1+n] {
			or = append(or, `c.title LIKE ? ESCAPE '\'`)
			args = append(args, "%"+likeEscaper.Replace(sp)+"%")
		}
		score = append(score, "("+strings.Join(or, " OR ")+")")
	}
	args = append(args, limit, need)
	// The inner query scores and ranks the candidates on the threads table
	// alone; only the few it keeps are joined for threadCols. Filtering by
	// score after the LIMIT gives the same rows (the best come first) and
	// evaluates the LIKEs once per title.
	q := "SELECT " + threadCols + threadFrom + ` JOIN (
			SELECT c.id, ` + strings.Join(score, " + ") + ` AS score FROM threads c
			WHERE c.kind IN ('` + KindQuestion + `', '` + KindPM + `') AND c.deleted_at IS NULL AND c.hidden_at IS NULL AND c.approved = 1
				AND c.topic_field_id NOT IN (SELECT id FROM topic_fields WHERE archived_at IS NOT NULL)
				AND ` + v.SeesField("c.topic_field_id") + `
			ORDER BY score DESC, c.last_post_at DESC, c.id DESC LIMIT ?) s ON s.id = t.id
		WHERE s.score >= ? ORDER BY s.score DESC, t.last_post_at DESC, t.id DESC`
	ts, err := db.queryThreads(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("similar questions: %w", err)
	}
	return ts, nil
}
