package search

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facets are counted while the collector walks the hits: countFacets
// wraps the query, and its searcher looks up each hit's facet keyword
// (facetValue) in a table per index segment, built once from the
// keyword's postings. bleve's own facets read the keyword's doc values
// instead, decompressing a chunk of 1,024 documents for almost every hit
// of a query whose hits are spread over the index: a sixth of the CPU of
// searching at a million posts, more than matching the words.
//
// This relies on how scorch numbers documents (checked by
// TestFacetsMatchBleve): a hit's internal ID is its number in the
// snapshot, the segments' documents one after the other, deleted ones
// included.

// countFacets is q whose hits are counted by facet keyword into counts.
type countFacets struct {
	query.Query
	tables *facetTables
	counts *facetCounts
}

// facetCounts are the hits of one search by facet keyword.
type facetCounts struct {
	segs []*facetTable
	hits [][]int // per segment, per keyword index of that segment
}

// terms returns the counts in the form of bleve's facets.
func (c *facetCounts) terms() []*search.TermFacet {
	n := map[string]int{}
	for i, t := range c.segs {
		for k, h := range c.hits[i] {
			if h > 0 {
				n[t.terms[k]] += h
			}
		}
	}
	out := make([]*search.TermFacet, 0, len(n))
	for term, h := range n {
		out = append(out, &search.TermFacet{Term: term, Count: h})
	}
	return out
}

func (q countFacets) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	snap, ok := i.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search: facets need a scorch index, not %T", i)
	}
	segs, err := q.tables.of(snap)
	if err != nil {
		return nil, err
	}
	s, err := q.Query.Searcher(ctx, i, m, o)
	if err != nil {
		return nil, err
	}
	*q.counts = facetCounts{segs: segs, hits: make([][]int, len(segs))}
	for k, t := range segs {
		q.counts.hits[k] = make([]int, len(t.terms))
	}
	return &countingSearcher{Searcher: s, counts: q.counts}, nil
}

// countingSearcher passes the hits of its Searcher on and counts them.
type countingSearcher struct {
	search.Searcher
	counts *facetCounts
	seg    int // the segment of the last hit: hits come in ascending order
}

func (s *countingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		s.count(d.IndexInternalID)
	}
	return d, err
}

func (s *countingSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		s.count(d.IndexInternalID)
	}
	return d, err
}

func (s *countingSearcher) count(id index.IndexInternalID) {
	if len(id) != 8 {
		return
	}
	n := binary.BigEndian.Uint64(id)
	segs := s.counts.segs
	if s.seg >= len(segs) || n < segs[s.seg].offset {
		s.seg = 0
	}
	for s.seg+1 < len(segs) && n >= segs[s.seg+1].offset {
		s.seg++
	}
	t := segs[s.seg]
	if local := n - t.offset; local < uint64(len(t.codes)) {
		if c := t.codes[local]; c > 0 {
			s.counts.hits[s.seg][c-1]++
		}
	}
}

// facetTable is, for one segment at its place in a snapshot, each
// document's facet keyword.
type facetTable struct {
	offset uint64   // the segment's first document number in the snapshot
	terms  []string // the segment's facet keywords
	codes  []uint16 // per document: 1 + index into terms, 0 for none
}

// facetTables caches the tables of the segments: segments never change,
// so a table is built once, when a search first meets its segment.
type facetTables struct {
	mu sync.Mutex
	m  map[segment.Segment]*facetTable // offset unset
}

// of returns the tables of snap's segments with their offsets.
func (c *facetTables) of(snap *scorch.IndexSnapshot) ([]*facetTable, error) {
	ss := snap.Segments()
	out := make([]*facetTable, len(ss))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 2*len(ss)+16 {
		// Forget the segments merged away since (and those of other
		// snapshots still in use, which are built again if needed).
		old := c.m
		c.m = make(map[segment.Segment]*facetTable, len(ss))
		for _, s := range ss {
			if t, ok := old[s.Segment()]; ok {
				c.m[s.Segment()] = t
			}
		}
	}
	var offset uint64
	for k, s := range ss {
		seg := s.Segment()
		t, ok := c.m[seg]
		if !ok {
			var err error
			if t, err = newFacetTable(seg); err != nil {
				return nil, err
			}
			c.m[seg] = t
		}
		out[k] = &facetTable{offset: offset, terms: t.terms, codes: t.codes}
		offset += seg.Count()
	}
	return out, nil
}

// newFacetTable reads seg's facet keywords and their postings.
func newFacetTable(seg segment.Segment) (*facetTable, error) {
	t := &facetTable{codes: make([]uint16, seg.Count())}
	dict, err := seg.Dictionary(fFacet)
	if err != nil {
		return nil, fmt.Errorf("search: facet keywords: %w", err)
	}
	it := dict.AutomatonIterator(nil, nil, nil)
	for {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("search: facet keywords: %w", err)
		}
		if e == nil {
			return t, nil
		}
		if len(t.terms) == 1<<16-1 {
			return nil, fmt.Errorf("search: more than %d facet keywords in a segment", 1<<16-1)
		}
		t.terms = append(t.terms, e.Term)
		pl, err := dict.PostingsList([]byte(e.Term), nil, nil)
		if err != nil {
			return nil, fmt.Errorf("search: facet keyword postings: %w", err)
		}
		pi := pl.Iterator(false, false, false, nil)
		for {
			p, err := pi.Next()
			if err != nil {
				return nil, fmt.Errorf("search: facet keyword postings: %w", err)
			}
			if p == nil {
				break
			}
			if n := p.Number(); n < uint64(len(t.codes)) {
				t.codes[n] = uint16(len(t.terms)) // #nosec G115 -- at most 1<<16-1, checked above
			}
		}
	}
}
