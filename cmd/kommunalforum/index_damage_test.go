package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// damageQueries are searched before and after each damage: words of the
// demo content, of the posts added through the API, a filter and a date sort.
var damageQueries = []string{"Fachverfahren", "Zustellpunkt", "Gemeinden", "Schadensprobe", "Schadensprobe Wohngeld",
	"typ:frage Kommunen", "Landkreis"}

// searchOutcome is what one query found: the total and the post IDs of
// every page.
type searchOutcome struct {
	Total int
	Posts []int64
}

// TestIndexDamageRebuilds damages the search index of a stopped server in
// each way a disk, a crash or an operator can, starts the server and wants
// pages served at once, the damage detected (the index directory is
// replaced) and, once the background rebuild is done, the same search
// results as a freshly built index.
func TestIndexDamageRebuilds(t *testing.T) {
	bin := buildBinary(t)
	data := t.TempDir()
	if code, _, errOut := runCmd(t, "", "seed", "--demo", "--data", data); code != 0 {
		t.Fatalf("seed --demo: %d %s", code, errOut)
	}
	srv := startBinary(t, bin, data)
	addUsers(t, data, testUser{"schaden@kreis-musterland.de", "Sven Schaden", "admin", ""}) // admins skip the approval queue
	token := apiToken(t, data, "schaden@kreis-musterland.de")
	var thread struct {
		ID  int64
		URL string
	}
	if code, err := postJSON(t, srv.base+"/api/v1/threads", token, map[string]string{
		"topic_field": "querschnitt", "title": "Schadensprobe im Suchindex", "body": "Schadensprobe Eröffnung"}, &thread); err != nil || code != http.StatusCreated {
		t.Fatalf("create thread: %d %v", code, err)
	}
	// Posts one by one, so the index gets several segments to damage.
	for i := range 12 {
		body := map[string]string{"body": fmt.Sprintf("Schadensprobe %d: Wohngeld und Bauantrag im Bürgerportal.", i)}
		if code, err := postJSON(t, fmt.Sprintf("%s/api/v1/threads/%d/posts", srv.base, thread.ID), token, body, nil); err != nil || code != http.StatusCreated {
			t.Fatalf("post %d: %d %v", i, code, err)
		}
		waitSearchable(t, srv.base, "Schadensprobe", i+2)
	}
	stopBinary(t, srv)

	// The index as the server left it is the one to damage; the results to
	// match are those of a fresh `reindex`.
	index := filepath.Join(data, "search.bleve")
	pristine := filepath.Join(t.TempDir(), "search.bleve")
	copyDir(t, index, pristine)
	if code, _, errOut := runCmd(t, "", "reindex", "--data", data); code != 0 {
		t.Fatalf("reindex: %d %s", code, errOut)
	}
	srv = startBinary(t, bin, data)
	want := searchAll(t, srv.base)
	stopBinary(t, srv)
	if want["Schadensprobe"].Total != 13 {
		t.Fatalf("fresh index: Schadensprobe total %d, want 13", want["Schadensprobe"].Total)
	}

	// segments are all segment files. Scorch deletes merged-away segments
	// only when nothing reads them any more, so some files may be leftovers
	// no snapshot uses, and which ones depends on timing: damaging one
	// chosen by name sometimes changed nothing. Damaging every one surely
	// hits those in use.
	segments := func(t *testing.T) []string {
		t.Helper()
		zaps, _ := filepath.Glob(filepath.Join(index, "store", "*.zap"))
		if len(zaps) == 0 {
			t.Fatal("no .zap segment in the index")
		}
		return zaps
	}
	tests := []struct {
		name   string
		damage func(t *testing.T)
	}{
		{"directory removed", func(t *testing.T) { must(t, os.RemoveAll(index)) }},
		{"index_meta.json garbage", func(t *testing.T) {
			must(t, os.WriteFile(filepath.Join(index, "index_meta.json"), []byte("\x00{kaputt"), 0o600))
		}},
		// Bolt grows its file ahead of use; keeping only the two meta pages
		// surely cuts pages in use.
		{"root.bolt truncated", func(t *testing.T) { must(t, os.Truncate(filepath.Join(index, "store", "root.bolt"), 2*4096)) }},
		{"root.bolt garbage", func(t *testing.T) {
			p := filepath.Join(index, "store", "root.bolt")
			fi, err := os.Stat(p)
			must(t, err)
			must(t, os.WriteFile(p, []byte(strings.Repeat("kaputt", int(fi.Size())/6)), 0o600))
		}},
		{"segments deleted", func(t *testing.T) {
			for _, p := range segments(t) {
				must(t, os.Remove(p))
			}
		}},
		{"segments truncated", func(t *testing.T) {
			for _, p := range segments(t) {
				truncateHalf(t, p)
			}
		}},
		{"segment bytes overwritten", func(t *testing.T) {
			for _, p := range segments(t) {
				overwriteMiddle(t, p)
			}
		}},
		{"store emptied", func(t *testing.T) {
			entries, err := os.ReadDir(filepath.Join(index, "store"))
			must(t, err)
			for _, e := range entries {
				must(t, os.RemoveAll(filepath.Join(index, "store", e.Name())))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			must(t, os.RemoveAll(index))
			copyDir(t, pristine, index)
			// Scorch leaves unknown files in the index directory alone, and
			// a rebuild removes the whole directory: the marker's absence
			// proves the damage was noticed.
			marker := filepath.Join(index, "damage-marker")
			must(t, os.WriteFile(marker, nil, 0o600))
			tt.damage(t)

			srv := startBinary(t, bin, data)
			defer stopBinary(t, srv)
			for _, path := range []string{"/", thread.URL} {
				if code := getStatus(t, srv.base+path); code != http.StatusOK {
					t.Errorf("GET %s while the index rebuilds = %d, want 200", path, code)
				}
			}
			deadline := time.Now().Add(20 * time.Second)
			for {
				_, err := os.Stat(marker)
				if errors.Is(err, os.ErrNotExist) && !searchBuilding(t, srv.base) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("damage not repaired after 20 s (marker still there: %v)", err == nil)
				}
				time.Sleep(50 * time.Millisecond)
			}
			got := searchAll(t, srv.base)
			for _, q := range damageQueries {
				if !reflect.DeepEqual(got[q], want[q]) {
					t.Errorf("search %q after the rebuild = %+v, want %+v (fresh index)", q, got[q], want[q])
				}
			}
		})
	}
}

// overwriteMiddle overwrites 64 bytes in the middle of the file at p.
func overwriteMiddle(t *testing.T, p string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_RDWR, 0) // #nosec G304 -- a file of the test's own temp dir
	must(t, err)
	defer f.Close()
	fi, err := f.Stat()
	must(t, err)
	_, err = f.WriteAt([]byte(strings.Repeat("\xff", 64)), fi.Size()/2)
	must(t, err)
}

// waitSearchable waits until q finds at least n documents.
func waitSearchable(t *testing.T, base, q string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		found, err := searchPostIDs(t, base, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("search %q finds %d, want %d", q, len(found), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// searchAll runs damageQueries and returns what
// each found.
func searchAll(t *testing.T, base string) map[string]searchOutcome {
	t.Helper()
	out := map[string]searchOutcome{}
	for _, q := range damageQueries {
		found, err := searchPostIDs(t, base, q)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		total, _ := searchStatus(t, base, q)
		out[q] = searchOutcome{Total: total, Posts: slices.Sorted(maps.Keys(found))}
	}
	return out
}

// searchStatus returns the total of q's first page and whether the index
// says it is being rebuilt.
func searchStatus(t *testing.T, base, q string) (total int, building bool) {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/search?q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Total    int  `json:"total"`
		Building bool `json:"building"`
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("search %q = %d %s", q, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	return res.Total, res.Building
}

// searchBuilding reports whether the server says its index is being
// rebuilt. A search the damaged index fails counts as building: the
// answer is a clean error page, and the rebuild it triggers is awaited.
func searchBuilding(t *testing.T, base string) bool {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/search?q=Gemeinden")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Building bool `json:"building"`
	}
	if resp.StatusCode != http.StatusOK {
		return true
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	return res.Building
}

func getStatus(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// stopBinary stops the server as systemd would (SIGTERM) and waits for it.
func stopBinary(t *testing.T, p *serverProcess) {
	t.Helper()
	if p.cmd.ProcessState != nil {
		return
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("server exit: %v", err)
	}
}

func truncateHalf(t *testing.T, p string) {
	t.Helper()
	fi, err := os.Stat(p)
	must(t, err)
	must(t, os.Truncate(p, fi.Size()/2))
}

// copyDir copies the regular files under src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o750)
		}
		b, err := os.ReadFile(p) // #nosec G304 -- a test's own temp dir
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	must(t, err)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
