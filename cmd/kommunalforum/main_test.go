package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCmd runs the command line in-process and returns exit code and output.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommandLine(t *testing.T) {
	t.Setenv("KF_SERVER_LISTEN", "127.0.0.1:0")
	data := t.TempDir()
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantOut  string // substring of stdout
		wantErr  string // substring of stderr
	}{
		{"migrate", "", []string{"migrate", "--data", data}, 0, "is at schema version", ""},
		{"user add admin", "Sehr-geheim-2026\n", []string{"user", "add", "--data", data, "--email", "Admin@Kreis-Musterland.de",
			"--name", "Anna Admin", "--role", "admin", "--org", "Landkreis Musterland", "--org-type", "landkreis", "--password-stdin"}, 0, "with role admin", ""},
		{"user add duplicate", "Sehr-geheim-2026\n", []string{"user", "add", "--data", data, "--email", "admin@kreis-musterland.de",
			"--name", "Zweite", "--role", "member", "--password-stdin"}, 1, "", "already exists"},
		{"user add short password", "kurz\n", []string{"user", "add", "--data", data, "--email", "b@kreis-musterland.de",
			"--name", "Ben", "--role", "member", "--password-stdin"}, 1, "", "mindestens 10 Zeichen"},
		{"user add bad role", "x\n", []string{"user", "add", "--data", data, "--email", "c@kreis-musterland.de",
			"--name", "Cem", "--role", "king", "--password-stdin"}, 2, "", "--role"},
		{"user add without password flag", "", []string{"user", "add", "--data", data, "--email", "d@x.de", "--name", "D"}, 2, "", "--password-stdin"},
		{"token create unknown", "", []string{"token", "create", "--data", data, "--email", "nobody@x.de"}, 1, "", "no user"},
		{"unknown command", "", []string{"frobnicate"}, 2, "", "unknown command"},
		{"bad config env", "", []string{"migrate", "--data", data, "--config", filepath.Join(data, "missing.yaml")}, 1, "", "missing.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, tt.stdin, tt.args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("run(%v) = %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errOut, tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
}

func TestTokenCreateAndServe(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := runCmd(t, "Sehr-geheim-2026\n", "user", "add", "--data", data, "--email", "pm@bund.example.de",
		"--name", "Paula PM", "--role", "pm", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	code, out, errOut := runCmd(t, "", "token", "create", "--data", data, "--email", "pm@bund.example.de")
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, "kf_") || len(token) < 40 {
		t.Fatalf("last line of token create = %q, want a kf_ token", token)
	}

	// Serve on a free port, check health and the token, then stop as SIGTERM would.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", data, "--listen", addr}, nil, io.Discard, io.Discard)
	}()
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("server did not become healthy: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/threads", strings.NewReader(
		`{"topic_field":"querschnitt","title":"Gebührenbescheide digital zustellen","body":"Wie macht ihr das?"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("POST /api/v1/threads with token = %d, want 201", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit code = %d after shutdown", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := os.Stat(filepath.Join(data, "kommunalforum.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
}
