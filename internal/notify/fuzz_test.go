package notify

import "testing"

// FuzzTokens: stream names never panic the parser and round-trip; a token
// is valid for exactly the user and stream it was signed for, and no other
// string passes. The seed corpus runs as a normal test.
func FuzzTokens(f *testing.F) {
	f.Add(int64(42), "thread:7", "")
	f.Add(int64(1), "digest:daily", "AAAAAAAAAAAAAAAAAAAAAA")
	f.Add(int64(-1), "field:0", "x")
	f.Add(int64(9), "digest:hourly", "")
	f.Add(int64(9), "thread:9223372036854775807", "")
	f.Add(int64(3), "::", "\x00")
	tokens := NewTokens([]byte("0123456789abcdef0123456789abcdef"))
	f.Fuzz(func(t *testing.T, user int64, stream, token string) {
		s, err := ParseStream(stream)
		if err != nil {
			return
		}
		if back, err := ParseStream(s.String()); err != nil || back != s {
			t.Fatalf("ParseStream(%q) = %+v, written %q, read back %+v, %v", stream, s, s.String(), back, err)
		}
		good := tokens.Sign(user, s)
		if !tokens.Valid(user, s, good) {
			t.Fatal("a signed token is not valid")
		}
		if tokens.Valid(user+1, s, good) {
			t.Fatal("a token is valid for another user")
		}
		if token != good && tokens.Valid(user, s, token) {
			t.Fatalf("forged token %q accepted", token)
		}
	})
}
