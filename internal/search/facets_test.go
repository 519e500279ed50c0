package search

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

// TestFacetsMatchBleve checks the facet counts of countFacets against
// bleve's own (doc values) on an index of several segments with deleted
// and updated documents, where document numbers have gaps and the
// segments' offsets matter.
func TestFacetsMatchBleve(t *testing.T) {
	idx, err := bleve.New(filepath.Join(t.TempDir(), "i"), newMapping())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	docs := genDocs(3000, 11)
	// Several batches make several segments.
	for i := 0; i < len(docs); i += 400 {
		indexDocs(t, idx, docs[i:min(i+400, len(docs))])
	}
	// Deletions and updates that change a document's facets.
	b := idx.NewBatch()
	for i := 0; i < len(docs); i += 7 {
		b.Delete(docs[i].DocID())
	}
	for i := 3; i < len(docs); i += 11 {
		d := docs[i]
		d.TopicFieldID, d.Official = 1+(d.TopicFieldID+5)%16, !d.Official
		if err := b.IndexAdvanced(newDocument(d)); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	x := &Index{idx: idx}
	ctx := context.Background()
	visible, _ := filterQuery(Query{}, benchFields[1:], benchFields)
	for _, s := range []string{
		"Antrag", "Antrag Gemeinde", "Wohngeld OR Elterngeld", "Verwaltung -Antrag", `"Antrag Gemeinde"`,
		"ver*", "typ:frage", "status:offen Antrag", "amtlich:ja", "Leistung themenfeld:feld-3", vocabulary[500],
	} {
		t.Run(s, func(t *testing.T) {
			q, err := Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			f, err := filterQuery(q, benchFields[1:], benchFields)
			if err != nil {
				t.Fatal(err)
			}
			f.must, f.mustNot = append(f.must, visible.must...), append(f.mustNot, visible.mustNot...)
			tc := textQuery(q, false)
			out, counts, err := x.run(ctx, tc, f, Request{Page: 1, PerPage: 10}, false)
			if err != nil {
				t.Fatal(err)
			}
			sr := bleve.NewSearchRequestOptions(tc.query(f), 10, 0, false)
			sr.AddFacet(fFacet, bleve.NewFacetRequest(fFacet, 10000))
			want, err := idx.SearchInContext(ctx, sr)
			if err != nil {
				t.Fatal(err)
			}
			if out.Total == 0 || out.Total != want.Total {
				t.Fatalf("total %d, bleve %d", out.Total, want.Total)
			}
			if got, w := termCounts(counts.terms()), termCounts(want.Facets[fFacet].Terms.Terms()); !slices.Equal(got, w) {
				t.Errorf("facets\n got  %v\n want %v", got, w)
			}
		})
	}
}

// termCounts lists facet counts as sorted "term=count" strings.
func termCounts(ts []*search.TermFacet) []string {
	var out []string
	for _, t := range ts {
		out = append(out, fmt.Sprintf("%s=%d", t.Term, t.Count))
	}
	slices.Sort(out)
	return out
}
