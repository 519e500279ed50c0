package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// secretName is the app_secrets row holding the unsubscribe token key.
const secretName = "unsubscribe-hmac"

// Stream kinds: what an unsubscribe link stops.
const (
	StreamThread = "thread" // thread:<id>: mail about one thread
	StreamField  = "field"  // field:<id>: mail a watched topic field brings
	StreamDigest = "digest" // digest:daily, digest:weekly
)

// Stream is what one unsubscribe link is about.
type Stream struct {
	Kind string
	ID   int64  // thread or field ID
	Freq string // digest frequency
}

// String is the stream's form in links and tokens, e.g. "thread:42".
func (s Stream) String() string {
	if s.Kind == StreamDigest {
		return s.Kind + ":" + s.Freq
	}
	return s.Kind + ":" + strconv.FormatInt(s.ID, 10)
}

// ParseStream reads a stream written by String.
func ParseStream(v string) (Stream, error) {
	kind, rest, ok := strings.Cut(v, ":")
	if !ok {
		return Stream{}, fmt.Errorf("stream %q: missing kind", v)
	}
	switch kind {
	case StreamDigest:
		if rest != "daily" && rest != "weekly" {
			return Stream{}, fmt.Errorf("stream %q: unknown frequency", v)
		}
		return Stream{Kind: kind, Freq: rest}, nil
	case StreamThread, StreamField:
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			return Stream{}, fmt.Errorf("stream %q: bad ID", v)
		}
		return Stream{Kind: kind, ID: id}, nil
	}
	return Stream{}, fmt.Errorf("stream %q: unknown kind", v)
}

// Tokens signs and checks unsubscribe tokens: an HMAC-SHA256 over the user
// and the stream with a key generated on first start and kept in the
// database, so a token works for exactly one user and one stream and
// cannot be made without the key.
type Tokens struct{ key []byte }

// NewTokens returns a signer with the given key.
func NewTokens(key []byte) *Tokens { return &Tokens{key: key} }

// Sign returns the token for userID and stream.
func (t *Tokens) Sign(userID int64, s Stream) string {
	m := hmac.New(sha256.New, t.key)
	fmt.Fprintf(m, "unsubscribe\x00%d\x00%s", userID, s)
	// 128 bits are plenty against guessing and keep links short.
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Valid reports whether token was signed for userID and stream; it
// compares in constant time.
func (t *Tokens) Valid(userID int64, s Stream, token string) bool {
	want := t.Sign(userID, s)
	return hmac.Equal([]byte(want), []byte(token))
}
