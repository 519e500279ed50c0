package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// tokenBytes is the entropy of every token: 256 bits, 43 base64url characters.
const tokenBytes = 32

// apiTokenPrefix marks API tokens so that secret scanners can recognise a
// leaked one in a repository or a log.
const apiTokenPrefix = "kf_"

// NewToken returns a random token for sessions, e-mail confirmation and
// password reset links. Give plain to the user once and store only hash.
func NewToken() (plain, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("new token: %w", err)
	}
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, HashToken(plain), nil
}

// NewAPIToken is NewToken for API tokens: plain starts with "kf_".
func NewAPIToken() (plain, hash string, err error) {
	plain, _, err = NewToken()
	if err != nil {
		return "", "", fmt.Errorf("new API token: %w", err)
	}
	plain = apiTokenPrefix + plain
	return plain, HashToken(plain), nil
}

// HashToken returns the hex SHA-256 of plain, the form tokens are stored and
// looked up in. A fast unsalted hash suffices because tokens carry 256 random
// bits (unlike passwords, there is nothing to guess); it keeps a database
// leak from yielding usable tokens.
func HashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
