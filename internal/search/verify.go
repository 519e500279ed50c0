package search

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"os"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Scorch verifies neither of its files when it opens an index: bolt reads
// only its two meta pages, and zap segments are mapped into memory and
// trusted. A flipped byte in a segment then shows as wrong results, a
// failing query or a panic much later. The checks here catch that: the
// bolt one is cheap enough for every start, the segment one reads the
// whole index and runs in the background.

// checkBolt reports whether the scorch root.bolt at path is shorter than
// the pages its newest valid meta page says it has, as after a truncation
// (bolt grows the file before it commits a page beyond the end, so a
// complete file is never shorter). A missing file is fine: scorch starts
// an empty one. Other damage bolt notices itself when it opens.
func checkBolt(path string) error {
	f, err := os.Open(path) // #nosec G304 -- inside the configured index path
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	// A bolt page starts with a 16-byte header; pages 0 and 1 hold the
	// meta (magic, version, page size, flags, root bucket, freelist,
	// high-water page ID, txid, FNV-64a checksum), in native (little)
	// endian order on every platform we run on.
	const header, metaLen, magic = 16, 64, 0xED0CDAED
	read := func(off int64) (pageSize, pgid, txid uint64, ok bool) {
		b := make([]byte, metaLen)
		if _, err := f.ReadAt(b, off+header); err != nil {
			return 0, 0, 0, false
		}
		h := fnv.New64a()
		_, _ = h.Write(b[:56]) // hash.Hash.Write never returns an error
		le := binary.LittleEndian
		if le.Uint32(b[0:]) != magic || le.Uint64(b[56:]) != h.Sum64() {
			return 0, 0, 0, false
		}
		return uint64(le.Uint32(b[8:])), le.Uint64(b[40:]), le.Uint64(b[48:]), true
	}
	size, pgid, txid, ok := read(0)
	if size2, pgid2, txid2, ok2 := read(int64(size)); ok2 && (!ok || txid2 > txid) { // #nosec G115 -- a page size
		size, pgid, ok = size2, pgid2, true
	}
	if !ok {
		return fmt.Errorf("%s: no valid bolt meta page", path)
	}
	if need := pgid * size; uint64(fi.Size()) < need { // #nosec G115 -- a file size is never negative
		return fmt.Errorf("%s: %d bytes, its pages need %d", path, fi.Size(), need)
	}
	return nil
}

// checkSegment verifies a zap segment file against the CRC-32 (IEEE) in
// its last four bytes, which covers everything before them (zap v11 to
// v16 all end so).
func checkSegment(path string) error {
	f, err := os.Open(path) // #nosec G304 -- a segment of the configured index
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() < 4 {
		return fmt.Errorf("%s: %d bytes, too short for a segment", path, fi.Size())
	}
	h := crc32.NewIEEE()
	r := bufio.NewReaderSize(f, 1<<20)
	if _, err := io.CopyN(h, r, fi.Size()-4); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var sum [4]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if want := binary.BigEndian.Uint32(sum[:]); h.Sum32() != want {
		return fmt.Errorf("%s: checksum %08x, footer says %08x", path, h.Sum32(), want)
	}
	return nil
}

// checkNewestSnapshot reports whether scorch can load the newest snapshot
// in the root.bolt of the index at path. If one of its segments is missing
// or unreadable, scorch logs that and silently opens an older snapshot,
// which lacks the latest changes; trying the newest explicitly tells. It
// opens the index read-only, where no persister runs that LoadSnapshot
// would race with; opening maps the segments without reading them, so this
// costs little.
func checkNewestSnapshot(path string) error {
	idx, err := bleve.OpenUsing(path, map[string]any{"read_only": true})
	if err != nil {
		return err
	}
	defer idx.Close()
	in, err := idx.Advanced()
	if err != nil {
		return err
	}
	s, ok := in.(*scorch.Scorch)
	if !ok {
		return nil
	}
	epochs, err := s.RootBoltSnapshotEpochs() // newest first
	if err != nil || len(epochs) == 0 {
		return err
	}
	snap, err := s.LoadSnapshot(epochs[0])
	if err != nil {
		return fmt.Errorf("newest snapshot %d: %w", epochs[0], err)
	}
	return snap.Close()
}

// segmentPaths lists the files of the segments idx now searches; nil if
// it is not a scorch index.
func segmentPaths(idx bleve.Index) ([]string, error) {
	in, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	s, ok := in.(*scorch.Scorch)
	if !ok {
		return nil, nil
	}
	r, err := s.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil
	}
	return snapshotPaths(snap), nil
}

// snapshotPaths lists the files of snap's segments.
func snapshotPaths(snap *scorch.IndexSnapshot) []string {
	var paths []string
	for _, seg := range snap.Segments() {
		// Segments not yet persisted live in memory and have no file.
		if p, ok := seg.Segment().(interface{ Path() string }); ok && p.Path() != "" {
			paths = append(paths, p.Path())
		}
	}
	return paths
}
