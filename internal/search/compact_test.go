package search

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestCompact: a rebuilt index of fewer than ten segments is merged into
// one, the merged segments' files are gone, and nothing is lost.
func TestCompact(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "i")
	idx, err := bleve.New(dir, newMapping())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	docs := genDocs(1000, 4)
	for i := 0; i < len(docs); i += 100 { // a segment per batch
		indexDocs(t, idx, docs[i:i+100])
	}
	if paths, err := segmentPaths(idx); err != nil || len(paths) < 2 {
		t.Fatalf("before: %d segments, %v; the test needs several", len(paths), err)
	}
	if err := compact(context.Background(), idx, dir); err != nil {
		t.Fatal(err)
	}
	if paths, err := segmentPaths(idx); err != nil || len(paths) != 1 {
		t.Errorf("after: segments %v, %v; want one", paths, err)
	}
	if n, err := staleSegments(idx, dir); err != nil || n != 0 {
		t.Errorf("after: %d stale segment files, %v", n, err)
	}
	if n, err := idx.DocCount(); err != nil || n != uint64(len(docs)) {
		t.Errorf("after: %d documents, %v; want %d", n, err, len(docs))
	}
}
