package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

// buildBinary builds the forum into a temp dir, for tests that must kill
// a real process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kommunalforum")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverProcess runs the built binary as `serve` on a free port.
type serverProcess struct {
	cmd  *exec.Cmd
	base string
}

func startBinary(t *testing.T, bin, data string) *serverProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--data", data, "--listen", addr)
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd, base: "http://" + addr}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// searchPostIDs pages through /api/v1/search for q and returns the post IDs found.
func searchPostIDs(t *testing.T, base, q string) (map[int64]bool, error) {
	t.Helper()
	found := map[int64]bool{}
	for page := 1; ; page++ {
		resp, err := http.Get(fmt.Sprintf("%s/api/v1/search?q=%s&page=%d&per_page=200", base, url.QueryEscape(q), page))
		if err != nil {
			return nil, err
		}
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				PostID int64 `json:"post_id"`
			} `json:"hits"`
		}
		err = json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("search: %d %v", resp.StatusCode, err)
		}
		for _, h := range res.Hits {
			found[h.PostID] = true
		}
		if len(res.Hits) == 0 || page*200 >= res.Total {
			return found, nil
		}
	}
}

// TestSearchCrashReplaysQueue kills the server (SIGKILL) during a burst of
// posts, restarts it on the same data directory and finds every post the
// API acknowledged (201) through /api/v1/search: the search queue commits
// with each post and the indexer replays it after the crash.
func TestSearchCrashReplaysQueue(t *testing.T) {
	bin := buildBinary(t)
	data := t.TempDir()
	srv := startBinary(t, bin, data)
	addUsers(t, data, testUser{"crash@kreis-musterland.de", "Carla Crash", "admin", ""}) // admins skip the approval queue
	token := apiToken(t, data, "crash@kreis-musterland.de")
	var thread struct{ ID int64 }
	if code, err := postJSON(t, srv.base+"/api/v1/threads", token, map[string]string{
		"topic_field": "querschnitt", "title": "Absturztest Suche", "body": "Absturzprobe Eröffnung"}, &thread); err != nil || code != http.StatusCreated {
		t.Fatalf("create thread: %d %v", code, err)
	}

	var mu sync.Mutex
	acked := map[int64]bool{}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				var p struct{ ID int64 }
				body := map[string]string{"body": fmt.Sprintf("Absturzprobe %d-%d: Bauanträge im Bürgerportal.", w, i)}
				code, err := postJSON(t, fmt.Sprintf("%s/api/v1/threads/%d/posts", srv.base, thread.ID), token, body, &p)
				if err != nil || code != http.StatusCreated {
					return // the server is gone: this post was not acknowledged
				}
				mu.Lock()
				acked[p.ID] = true
				mu.Unlock()
			}
		})
	}
	// Kill mid-burst, once a good number of posts is acknowledged.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 60 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := srv.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown at all
		t.Fatal(err)
	}
	srv.cmd.Wait()
	stop()
	wg.Wait()
	if len(acked) < 60 {
		t.Fatalf("only %d posts acknowledged before the kill", len(acked))
	}

	// What the crash left in the queue (for the log: the test holds either way).
	db, err := store.Open(context.Background(), filepath.Join(data, "kommunalforum.db"))
	if err != nil {
		if _, serr := os.Stat(filepath.Join(data, "kommunalforum.db")); serr != nil {
			t.Fatalf("database file: %v", serr)
		}
		t.Fatal(err)
	}
	queued, _, err := db.SearchQueueStat(context.Background())
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d posts acknowledged before SIGKILL; %d changes still queued", len(acked), queued)

	srv = startBinary(t, bin, data)
	deadline = time.Now().Add(20 * time.Second)
	for {
		found, err := searchPostIDs(t, srv.base, "Absturzprobe")
		if err != nil {
			t.Fatal(err)
		}
		var missing []int64
		for id := range acked {
			if !found[id] {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged posts not searchable after restart: %v", len(missing), len(acked), missing)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
