package auth

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestNewTokens(t *testing.T) {
	tests := []struct {
		name    string
		newTok  func() (string, string, error)
		prefix  string
		wantLen int
	}{
		{"NewToken", NewToken, "", 43},
		{"NewAPIToken", NewAPIToken, "kf_", 46},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := make(map[string]bool)
			for range 1000 {
				plain, hash, err := tt.newTok()
				if err != nil {
					t.Fatalf("%s() error: %v", tt.name, err)
				}
				if seen[plain] || seen[hash] {
					t.Fatalf("%s() repeated token %q", tt.name, plain)
				}
				seen[plain], seen[hash] = true, true

				if len(plain) != tt.wantLen || len(plain) < 43 {
					t.Fatalf("%s() plain = %q (%d chars), want %d chars", tt.name, plain, len(plain), tt.wantLen)
				}
				body, ok := strings.CutPrefix(plain, tt.prefix)
				if !ok {
					t.Fatalf("%s() plain = %q, want prefix %q", tt.name, plain, tt.prefix)
				}
				if b, err := base64.RawURLEncoding.DecodeString(body); err != nil || len(b) != 32 {
					t.Fatalf("%s() plain = %q, want base64url of 32 bytes (%d bytes, %v)", tt.name, plain, len(b), err)
				}
				if want := HashToken(plain); hash != want {
					t.Fatalf("%s() hash = %q, want HashToken(plain) = %q", tt.name, hash, want)
				}
			}
		})
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct{ plain, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.plain, func(t *testing.T) {
			if got := HashToken(tt.plain); got != tt.want {
				t.Errorf("HashToken(%q) = %q, want %q", tt.plain, got, tt.want)
			}
		})
	}

	plain, _, err := NewAPIToken()
	if err != nil {
		t.Fatal(err)
	}
	h := HashToken(plain)
	if h != HashToken(plain) {
		t.Errorf("HashToken(%q) not deterministic", plain)
	}
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Errorf("HashToken(%q) = %q, want 64 lower-case hex digits", plain, h)
	}
	if h == HashToken(strings.TrimPrefix(plain, "kf_")) {
		t.Errorf("HashToken(%q) ignores the kf_ prefix", plain)
	}
}
