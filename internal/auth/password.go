package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Current argon2id parameters: the OWASP minimum (19 MiB, 2 passes, 1 lane).
// Changing them makes NeedsRehash report true for older hashes, which are
// then upgraded at the next successful login.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds for parameters read from a stored hash. A corrupted or planted hash
// must not make one login allocate gigabytes or run for minutes.
const (
	maxArgonMemory  = 1 << 20 // KiB, 1 GiB
	maxArgonTime    = 10
	maxArgonThreads = 16
	minSaltLen      = 8 // the reference implementation's minimum
	maxSaltLen      = 64
	minKeyLen       = 16
	maxKeyLen       = 64
)

// maxPasswordBytes bounds the input to argon2. The algorithm accepts far more,
// but nobody types 256 bytes, and a bound keeps request handling predictable.
const maxPasswordBytes = 256

// ErrInvalidHash is returned by VerifyPassword for a stored hash it cannot
// parse or whose parameters are outside the accepted bounds.
var ErrInvalidHash = errors.New("auth: invalid password hash")

// b64 is the PHC string's base64 flavour: standard alphabet, no padding.
// Strict rejects non-zero trailing bits, so each hash has one spelling.
var b64 = base64.RawStdEncoding.Strict()

// hashSlots bounds how many argon2id computations run at once. Each one holds
// argonMemory KiB (19 MiB) until it finishes, so a flood of login requests
// would otherwise allocate 19 MiB per request in flight and exhaust memory
// long before the CPUs are the bottleneck. The work is CPU-bound, so one slot
// per CPU loses no throughput; further callers queue here and give up when
// their request context ends.
var hashSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// acquireSlot waits for a free slot in hashSlots or for ctx to end.
func acquireSlot(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func releaseSlot() { <-hashSlots }

// argonParams are the cost parameters of one stored hash.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

var currentParams = argonParams{memory: argonMemory, time: argonTime, threads: argonThreads}

// HashPassword returns password hashed with argon2id and a fresh random salt,
// as a PHC string: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
// It does not check the password policy; see CheckPasswordPolicy.
// It waits for a free hashing slot and returns ctx.Err() if ctx ends first.
func HashPassword(ctx context.Context, password string) (string, error) {
	password = normalize(password)
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	if err := acquireSlot(ctx); err != nil {
		return "", err
	}
	defer releaseSlot()
	p := currentParams
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, argonKeyLen)
	return encodeHash(p, salt, key), nil
}

// VerifyPassword reports whether password matches the PHC string encoded.
// An empty encoded means the account has no password: false, nil.
// A malformed hash or one with parameters outside sane bounds gives an error
// wrapping ErrInvalidHash; if ctx ends while waiting for a hashing slot,
// the error is ctx.Err().
func VerifyPassword(ctx context.Context, encoded, password string) (ok bool, err error) {
	if encoded == "" {
		return false, nil
	}
	password = normalize(password)
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	if err := acquireSlot(ctx); err != nil {
		return false, err
	}
	defer releaseSlot()
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(want))) // #nosec G115 -- decodeHash bounds len(want) to maxKeyLen (64)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether encoded was not made by HashPassword with the
// current parameters, so that it should be replaced after a successful login.
// It is true for anything that does not parse, including the empty string.
func NeedsRehash(encoded string) bool {
	p, salt, key, err := decodeHash(encoded)
	return err != nil || p != currentParams || len(salt) != argonSaltLen || len(key) != argonKeyLen
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// DummyVerify does the work of VerifyPassword against a hash no password
// matches. Login calls it when no account has the given email, so that an
// unknown address takes as long as a wrong password and response times do
// not reveal which addresses are registered.
func DummyVerify(ctx context.Context, password string) {
	dummyOnce.Do(func() {
		// Random salt and key in the current format cost no argon2 run here,
		// so the first unknown-email login is not slower than later ones.
		salt := make([]byte, argonSaltLen)
		key := make([]byte, argonKeyLen)
		rand.Read(salt)
		rand.Read(key)
		dummyHash = encodeHash(currentParams, salt, key)
	})
	_, _ = VerifyPassword(ctx, dummyHash, password)
}

func encodeHash(p argonParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodeHash parses exactly the form encodeHash writes. The PHC format allows
// more (optional version, extra parameters, other orders), but every hash in
// our database is our own, so anything else is corruption and is rejected.
func decodeHash(encoded string) (p argonParams, salt, key []byte, err error) {
	invalid := func(what string) (argonParams, []byte, []byte, error) {
		return argonParams{}, nil, nil, fmt.Errorf("%w: %s", ErrInvalidHash, what)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return invalid("want 5 fields separated by $")
	}
	if parts[1] != "argon2id" {
		return invalid("algorithm is not argon2id")
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return invalid("unsupported version")
	}
	var m, t, threads uint64
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &threads); err != nil ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", m, t, threads) {
		// The round trip rejects signs, leading zeros, spaces and trailing text.
		return invalid("malformed parameters")
	}
	switch {
	case threads < 1 || threads > maxArgonThreads:
		return invalid("parallelism out of range")
	case t < 1 || t > maxArgonTime:
		return invalid("time cost out of range")
	case m < 8*threads || m > maxArgonMemory: // argon2 needs 8 KiB per lane
		return invalid("memory cost out of range")
	}
	salt, err = b64.DecodeString(parts[4])
	if err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return invalid("bad salt")
	}
	key, err = b64.DecodeString(parts[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return invalid("bad key")
	}
	return argonParams{memory: uint32(m), time: uint32(t), threads: uint8(threads)}, salt, key, nil
}

// FieldError says which form field failed validation and why. Key is a
// message-catalogue key; Args fill its placeholders.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

func (e *FieldError) Error() string { return e.Key }

// CheckPasswordPolicy returns a *FieldError for field "password" if password
// is longer than 256 bytes, is not valid UTF-8 or contains control
// characters, or has fewer than minLen characters (runes, so "ß" counts once).
func CheckPasswordPolicy(password string, minLen int) error {
	if len(password) > maxPasswordBytes {
		return &FieldError{Field: "password", Key: "error.password.too_long", Args: []any{maxPasswordBytes}}
	}
	if !utf8.ValidString(password) || strings.ContainsFunc(password, unicode.IsControl) {
		return &FieldError{Field: "password", Key: "error.password.invalid"}
	}
	if utf8.RuneCountInString(password) < minLen {
		return &FieldError{Field: "password", Key: "error.password.too_short", Args: []any{minLen}}
	}
	return nil
}

// normalize maps a password to Unicode NFC (RFC 8265), so "ü" typed as one
// code point or as u + combining diaeresis is the same password.
func normalize(password string) string { return norm.NFC.String(password) }
