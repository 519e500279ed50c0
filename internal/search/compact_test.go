package search

import (
	"context"
	"path/filepath"
	"testing"
	"time"

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

// TestServingMergePolicy: the server opens the index with at most three
// segments per tier (servingConfig), so of the eight segments of 2,500
// documents that scorch's default leaves as they are, at most four
// remain, and nothing is lost.
func TestServingMergePolicy(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "i")
	idx, err := bleve.New(dir, newMapping())
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.SetInternal(versionKey, []byte(mappingVersion)); err != nil {
		t.Fatal(err)
	}
	// A segment per batch: each is persisted when the index closes (the
	// persister merges the batches it finds waiting in memory).
	// Segments above scorch's floor of 2,000 documents: below it, the
	// default merges a small index into one segment anyway.
	const per = 2500
	docs := genDocs(8*per, 4)
	for i := 0; i < len(docs); i += per {
		if i > 0 {
			if idx, err = bleve.Open(dir); err != nil {
				t.Fatal(err)
			}
		}
		indexDocs(t, idx, docs[i:i+per])
		if err := idx.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Opened with scorch's default, the segments stay as they are.
	idx, err = bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if paths, err := segmentPaths(idx); err != nil || len(paths) < 6 {
		t.Fatalf("with scorch's default: %d segments, %v; the test needs more than three", len(paths), err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, why := openCurrent(dir)
	if idx == nil {
		t.Fatalf("openCurrent: %s", why)
	}
	defer idx.Close()
	// Three per tier leaves three or four of these (the tiers' bounds fall
	// between them); under -race the merges take one to two minutes.
	deadline := time.Now().Add(300 * time.Second)
	for {
		paths, err := segmentPaths(idx)
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) <= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("opened as the server does: still %d segments after 300 s", len(paths))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n, err := idx.DocCount(); err != nil || n != uint64(len(docs)) {
		t.Errorf("after the merge: %d documents, %v; want %d", n, err, len(docs))
	}
}
