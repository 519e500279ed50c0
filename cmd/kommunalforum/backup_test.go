package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kommunalforum/internal/store"
)

// postJSON sends body to the API with the token and decodes the answer.
func postJSON(t *testing.T, url, token string, body, into any) (int, error) {
	t.Helper()
	return sendJSON(t, http.MethodPost, url, token, body, into)
}

// sendJSON sends body with method to the API with the token and decodes a
// successful answer into into (when not nil).
func sendJSON(t *testing.T, method, url, token string, body, into any) (int, error) {
	t.Helper()
	return apiRequest(http.DefaultClient, method, url, token, nil, body, into)
}

// apiRequest is one JSON API call with extra headers; the status is 0 when
// the connection failed.
func apiRequest(client *http.Client, method, url, token string, header map[string]string, body, into any) (int, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if into != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}

// TestBackupUnderLoad takes a backup through the command line while a
// client keeps posting, then opens the backup as a restored forum would and
// finds every post acknowledged before the backup started, unaltered.
func TestBackupUnderLoad(t *testing.T) {
	base, data := startServer(t)
	addUsers(t, data, testUser{"sicherung@kreis-musterland.de", "Sina Sicherung", "admin", ""})
	token := apiToken(t, data, "sicherung@kreis-musterland.de")

	var thread struct{ ID int64 }
	if code, err := postJSON(t, base+"/api/v1/threads", token, map[string]string{
		"topic_field": "querschnitt", "title": "Sicherung unter Last", "body": "Erster Beitrag."}, &thread); err != nil || code != http.StatusCreated {
		t.Fatalf("create thread: %d %v", code, err)
	}

	// acked maps post ID to body for every 201 the writer has seen.
	var mu sync.Mutex
	acked := map[int64]string{}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			body := fmt.Sprintf("Beitrag %d zur Sicherung: Bauantrag, Wohngeld, Bürgerportal.", i)
			var p struct{ ID int64 }
			code, err := postJSON(t, fmt.Sprintf("%s/api/v1/threads/%d/posts", base, thread.ID), token, map[string]string{"body": body}, &p)
			if err != nil || code != http.StatusCreated {
				if ctx.Err() == nil {
					t.Errorf("post %d: %d %v", i, code, err)
				}
				return
			}
			mu.Lock()
			acked[p.ID] = body
			mu.Unlock()
		}
	})

	waitFor := func(n int) {
		deadline := time.Now().Add(20 * time.Second)
		for {
			mu.Lock()
			got := len(acked)
			mu.Unlock()
			if got >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("only %d posts acknowledged, want %d", got, n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor(30)
	mu.Lock()
	before := make(map[int64]string, len(acked))
	for id, body := range acked {
		before[id] = body
	}
	mu.Unlock()

	out := filepath.Join(t.TempDir(), "sicherung.db")
	code, stdout, stderr := runCmd(t, "", "backup", "--data", data, "--out", out)
	if code != 0 || !strings.Contains(stdout, "integrity ok") {
		t.Fatalf("backup: %d %q %q", code, stdout, stderr)
	}
	waitFor(len(before) + 10) // the writer was never blocked by the backup
	stop()
	wg.Wait()

	// A second backup to the same name is refused rather than overwriting.
	if code, _, stderr := runCmd(t, "", "backup", "--data", data, "--out", out); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("backup onto an existing file: %d %q", code, stderr)
	}

	db, err := store.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for id, body := range before {
		p, err := db.PostFor(context.Background(), store.Viewer{}, id)
		if err != nil {
			t.Fatalf("post %d acknowledged before the backup is missing from it: %v", id, err)
		}
		if p.Body != body {
			t.Errorf("post %d in the backup = %q, want %q", id, p.Body, body)
		}
	}
}

func TestBackupRefusesBadInput(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no out", []string{"backup", "--data", data}, 2, "--out"},
		{"no database", []string{"backup", "--data", filepath.Join(data, "leer"), "--out", filepath.Join(data, "b.db")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, "", tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("run(%v) = %d, %q; want %d, %q", tt.args, code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}
