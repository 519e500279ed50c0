package search

// Benchmarks on a generated German-like corpus (no SQLite: the index
// alone). Run with
//
//	go test -run '^$' -bench . -benchmem ./internal/search
//
// KF_BENCH_DOCS sets the corpus size of BenchmarkSearchTwoWords (default
// 100000 posts); it is built once per run into a temp dir.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"kommunalforum/internal/store"
)

// vocabulary: real words that matter to the forum, compounds of them and
// generated filler, drawn with a Zipf distribution as in real text.
var vocabulary = func() []string {
	base := []string{"Antrag", "Gemeinde", "Bürgerportal", "Schnittstelle", "Verwaltung", "Leistung", "Digitalisierung",
		"Kommune", "Landkreis", "Bescheid", "Formular", "Nachweis", "Gebühr", "Satzung", "Wohngeld", "Elterngeld",
		"Baugenehmigung", "Meldebescheinigung", "Fachverfahren", "Postfach", "Servicekonto", "Anbindung", "Umsetzung",
		"Nachnutzung", "Onlinedienst", "Zahlung", "Signatur", "Datenschutz", "Rechenzentrum", "Registermodernisierung"}
	heads := []string{"antrag", "verfahren", "portal", "dienst", "bescheid", "nachweis", "stelle", "amt"}
	rng := rand.New(rand.NewPCG(1, 2))
	syll := []string{"ver", "ge", "be", "an", "lung", "keit", "heit", "ten", "de", "ra", "mel", "schu", "stra", "ber",
		"ka", "lo", "wen", "dung", "tag", "rat", "bau", "fa", "mi", "lie", "kin", "zeit", "netz", "werk"}
	words := slices.Clone(base)
	for _, w := range base[:12] {
		for _, h := range heads[:3] {
			words = append(words, w+h)
		}
	}
	for len(words) < 20000 {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		if rng.IntN(4) == 0 {
			b.WriteString(heads[rng.IntN(len(heads))])
		}
		w := b.String()
		if rng.IntN(3) == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		words = append(words, w)
	}
	return words
}()

// genDocs makes n posts of about 100 words; every tenth opens a thread
// (with a title). IDs start at 1.
func genDocs(n int, seed uint64) []store.SearchDoc {
	rng := rand.New(rand.NewPCG(seed, 7))
	zipf := rand.NewZipf(rng, 1.1, 3, uint64(len(vocabulary)-1))
	text := func(words int) string {
		var b strings.Builder
		for i := range words {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocabulary[zipf.Uint64()])
			if rng.IntN(12) == 0 {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	kinds := []string{store.KindDiscussion, store.KindQuestion, store.KindPM}
	docs := make([]store.SearchDoc, n)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range docs {
		d := store.SearchDoc{PostID: int64(i + 1), ThreadID: int64(i/10 + 1), TopicFieldID: int64(1 + (i/10)%16),
			Kind: kinds[(i/10)%3], First: i%10 == 0, Body: text(60 + rng.IntN(80)), Official: i%97 == 0,
			AuthorName: "Person " + strconv.Itoa(rng.IntN(5000)), CreatedAt: start.Add(time.Duration(i) * time.Minute)}
		if d.First {
			d.Title = text(6)
		}
		if d.Kind != store.KindDiscussion {
			d.Status = []string{"offen", "beantwortet", "geloest"}[i%3]
		}
		docs[i] = d
	}
	return docs
}

func indexDocs(tb testing.TB, idx bleve.Index, docs []store.SearchDoc) {
	tb.Helper()
	for len(docs) > 0 {
		n := min(len(docs), buildBatch)
		b := idx.NewBatch()
		for _, d := range docs[:n] {
			if err := b.IndexAdvanced(newDocument(d)); err != nil {
				tb.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			tb.Fatal(err)
		}
		docs = docs[n:]
	}
}

// BenchmarkIndexThroughput indexes b.N generated posts into a fresh index
// as a rebuild does (batches of buildBatch, each persisted) and reports
// docs/s and the index size per document.
func BenchmarkIndexThroughput(b *testing.B) {
	docs := genDocs(max(b.N, 1), 3)
	dir := b.TempDir()
	idx, err := bleve.New(filepath.Join(dir, "i"), newMapping())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	indexDocs(b, idx, docs)
	el, cpu := time.Since(start), cpuTime()-cpu0
	b.StopTimer()
	idx.Close()
	b.ReportMetric(float64(len(docs))/el.Seconds(), "docs/s")
	// On a shared machine wall time says little; CPU time per document
	// does: 2 cores / cpu-ms-per-doc bounds what an idle machine reaches.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(docs)), "cpu-ms/doc")
	b.ReportMetric(float64(dirSize(filepath.Join(dir, "i")))/float64(len(docs)), "bytes/doc")
}

var (
	benchOnce sync.Once
	benchIdx  *Index
	benchErr  error
)

// benchIndex builds the shared corpus index once.
func benchIndex(b *testing.B) *Index {
	benchOnce.Do(func() {
		n := 100000
		if v, err := strconv.Atoi(os.Getenv("KF_BENCH_DOCS")); err == nil && v > 0 {
			n = v
		}
		dir, err := os.MkdirTemp("", "kf-search-bench")
		if err != nil {
			benchErr = err
			return
		}
		idx, err := bleve.New(filepath.Join(dir, "i"), newMapping())
		if err != nil {
			benchErr = err
			return
		}
		start := time.Now()
		indexDocs(b, idx, genDocs(n, 1))
		fmt.Fprintf(os.Stderr, "bench corpus: %d posts indexed in %v (%.0f docs/s), %.1f MB\n", n,
			time.Since(start).Round(time.Millisecond), float64(n)/time.Since(start).Seconds(),
			float64(dirSize(filepath.Join(dir, "i")))/(1<<20))
		benchIdx = &Index{idx: idx}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIdx
}

// benchFields are 16 open topic fields as the generator assigns them.
var benchFields = func() []store.TopicField {
	var fs []store.TopicField
	for i := int64(1); i <= 16; i++ {
		fs = append(fs, store.TopicField{ID: i, Slug: "feld-" + strconv.FormatInt(i, 10), Name: "Feld"})
	}
	return fs
}()

// BenchmarkSearchTwoWords runs two-word AND queries with the permission
// filter and all four facets, one result page of 20, on the shared corpus
// (the index part of a search; loading 20 hits from SQLite and their
// snippets is BenchmarkSnippet). It reports p50 and p95 latencies.
func BenchmarkSearchTwoWords(b *testing.B) {
	x := benchIndex(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(9, 9))
	// Words of middle frequency, like a real query: not the very top.
	pool := vocabulary[20:2000]
	// One of the 16 fields is protected and excluded, as for most readers.
	filter, _ := filterQuery(Query{}, benchFields[1:], benchFields)
	r := Request{Page: 1, PerPage: 20}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		q, _ := Parse(pool[rng.IntN(len(pool))] + " " + pool[rng.IntN(len(pool))])
		start := time.Now()
		if _, _, err := x.run(ctx, textQuery(q, false), filter, r, false); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkParse parses a query with every construct and builds its
// bleve query.
func BenchmarkParse(b *testing.B) {
	const s = `Antrag "digitale Baugenehmigung" -Papier Wohngeld OR Elterngeld digital* themenfeld:feld-1 typ:frage status:offen amtlich:ja von:anna-mueller nach:2025-06-01 vor:2026-01-01`
	b.ReportAllocs()
	for range b.N {
		q, err := Parse(s)
		if err != nil {
			b.Fatal(err)
		}
		textQuery(q, false)
		if _, err := filterQuery(q, benchFields, benchFields); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnippet builds the snippets of one result page: 20 generated
// posts with one highlighter, as Search does.
func BenchmarkSnippet(b *testing.B) {
	docs := genDocs(20, 5)
	q, _ := Parse("Antrag Gemeinde")
	b.ReportAllocs()
	for range b.N {
		h := newHighlighter(q)
		for _, d := range docs {
			h.snippet(d.Body)
		}
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
