package auth

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestHashVerifyRoundtrip(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, password, wrong string
	}{
		{"ascii", "correct horse battery staple", "correct horse battery stapl"},
		{"umlauts", "Grüße aus Köln, Änderung", "Grusse aus Koln, Anderung"},
		{"eszett", "Straßenbeleuchtung", "Strassenbeleuchtung"},
		{"case", "Passwort123", "passwort123"},
		{"empty", "", " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoded, err := HashPassword(ctx, tt.password)
			if err != nil {
				t.Fatalf("HashPassword(%q): %v", tt.password, err)
			}
			if !strings.HasPrefix(encoded, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Errorf("HashPassword(%q) = %q, want prefix $argon2id$v=19$m=19456,t=2,p=1$", tt.password, encoded)
			}
			if ok, err := VerifyPassword(ctx, encoded, tt.password); !ok || err != nil {
				t.Errorf("VerifyPassword(%q) = %v, %v, want true, nil", tt.password, ok, err)
			}
			if ok, err := VerifyPassword(ctx, encoded, tt.wrong); ok || err != nil {
				t.Errorf("VerifyPassword(%q) = %v, %v, want false, nil", tt.wrong, ok, err)
			}
		})
	}
}

func TestHashPasswordSalted(t *testing.T) {
	ctx := context.Background()
	a, err := HashPassword(ctx, "gleiches Passwort")
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashPassword(ctx, "gleiches Passwort")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Errorf("two hashes of one password are equal (%q): salt not random", a)
	}
}

// Vectors from the reference implementation's test suite (password
// "password", salt "somesalt"): our codec must read hashes written elsewhere.
func TestVerifyPasswordReferenceVectors(t *testing.T) {
	ctx := context.Background()
	for _, encoded := range []string{
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
	} {
		if ok, err := VerifyPassword(ctx, encoded, "password"); !ok || err != nil {
			t.Errorf("VerifyPassword(%q, %q) = %v, %v, want true, nil", encoded, "password", ok, err)
		}
		if ok, err := VerifyPassword(ctx, encoded, "Password"); ok || err != nil {
			t.Errorf("VerifyPassword(%q, %q) = %v, %v, want false, nil", encoded, "Password", ok, err)
		}
	}
}

func TestVerifyPasswordEmptyHash(t *testing.T) {
	ok, err := VerifyPassword(context.Background(), "", "")
	if ok || err != nil {
		t.Errorf(`VerifyPassword("", "") = %v, %v, want false, nil`, ok, err)
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	const (
		salt = "c29tZXNhbHQ"
		key  = "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
	)
	tests := []struct{ name, encoded string }{
		{"garbage", "not a hash"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"argon2d", "$argon2d$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"upper case alg", "$ARGON2ID$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"no leading $", "argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"missing version", "$argon2id$m=256,t=2,p=1$" + salt + "$" + key},
		{"missing key", "$argon2id$v=19$m=256,t=2,p=1$" + salt},
		{"empty key", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$"},
		{"empty salt", "$argon2id$v=19$m=256,t=2,p=1$$" + key},
		{"trailing field", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key + "$"},
		{"v=18", "$argon2id$v=18$m=256,t=2,p=1$" + salt + "$" + key},
		{"v=16", "$argon2id$v=16$m=256,t=2,p=1$" + salt + "$" + key},
		{"m=0", "$argon2id$v=19$m=0,t=2,p=1$" + salt + "$" + key},
		{"m below 8p", "$argon2id$v=19$m=15,t=2,p=2$" + salt + "$" + key},
		{"m over 1 GiB", "$argon2id$v=19$m=1048577,t=2,p=1$" + salt + "$" + key},
		{"m overflows uint32", "$argon2id$v=19$m=4294967297,t=2,p=1$" + salt + "$" + key},
		{"m huge", "$argon2id$v=19$m=99999999999999999999999,t=2,p=1$" + salt + "$" + key},
		{"m negative", "$argon2id$v=19$m=-256,t=2,p=1$" + salt + "$" + key},
		{"m plus sign", "$argon2id$v=19$m=+256,t=2,p=1$" + salt + "$" + key},
		{"m leading zero", "$argon2id$v=19$m=0256,t=2,p=1$" + salt + "$" + key},
		{"t=0", "$argon2id$v=19$m=256,t=0,p=1$" + salt + "$" + key},
		{"t=11", "$argon2id$v=19$m=256,t=11,p=1$" + salt + "$" + key},
		{"p=0", "$argon2id$v=19$m=256,t=2,p=0$" + salt + "$" + key},
		{"p=255", "$argon2id$v=19$m=262144,t=2,p=255$" + salt + "$" + key},
		{"params reordered", "$argon2id$v=19$t=2,m=256,p=1$" + salt + "$" + key},
		{"params with spaces", "$argon2id$v=19$m=256, t=2, p=1$" + salt + "$" + key},
		{"params missing p", "$argon2id$v=19$m=256,t=2$" + salt + "$" + key},
		{"extra param", "$argon2id$v=19$m=256,t=2,p=1,keyid=x$" + salt + "$" + key},
		{"bad base64 salt", "$argon2id$v=19$m=256,t=2,p=1$c29tZX!hbHQ$" + key},
		{"bad base64 key", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/*"},
		{"padded key", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key + "="},
		{"url alphabet key", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$nf65EOgLrQMR_uIPnA4rEsF5h7TKyQwu9U1bMCHGi_4"},
		{"non-zero trailing bits", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/5"},
		{"salt too short", "$argon2id$v=19$m=256,t=2,p=1$c29tZQ$" + key},
		{"key too short", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$c29tZXNhbHQ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(context.Background(), tt.encoded, "password")
			if ok || !errors.Is(err, ErrInvalidHash) {
				t.Errorf("VerifyPassword(%q) = %v, %v, want false, ErrInvalidHash", tt.encoded, ok, err)
			}
			if !NeedsRehash(tt.encoded) {
				t.Errorf("NeedsRehash(%q) = false, want true", tt.encoded)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	current, err := HashPassword(context.Background(), "Passwort")
	if err != nil {
		t.Fatal(err)
	}
	salt16 := "AAAAAAAAAAAAAAAAAAAAAA"
	key32 := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	tests := []struct {
		name    string
		encoded string
		want    bool
	}{
		{"fresh", current, false},
		{"current params", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + key32, false},
		{"more memory", "$argon2id$v=19$m=65536,t=2,p=1$" + salt16 + "$" + key32, true},
		{"more time", "$argon2id$v=19$m=19456,t=3,p=1$" + salt16 + "$" + key32, true},
		{"more lanes", "$argon2id$v=19$m=19456,t=2,p=2$" + salt16 + "$" + key32, true},
		{"8-byte salt", "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$" + key32, true},
		{"16-byte key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$AAAAAAAAAAAAAAAAAAAAAA", true},
		{"reference vector", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", true},
		{"empty", "", true},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRehash(tt.encoded); got != tt.want {
				t.Errorf("NeedsRehash(%q) = %v, want %v", tt.encoded, got, tt.want)
			}
		})
	}
}

// fillSlots occupies every hashing slot until the test ends.
func fillSlots(t *testing.T) {
	t.Helper()
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	t.Cleanup(func() {
		for range cap(hashSlots) {
			<-hashSlots
		}
	})
}

func TestHashingRespectsContext(t *testing.T) {
	valid, err := HashPassword(context.Background(), "Passwort")
	if err != nil {
		t.Fatal(err)
	}
	fillSlots(t)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := HashPassword(cancelled, "Passwort"); !errors.Is(err, context.Canceled) {
		t.Errorf("HashPassword with cancelled ctx = %v, want context.Canceled", err)
	}
	if ok, err := VerifyPassword(cancelled, valid, "Passwort"); ok || !errors.Is(err, context.Canceled) {
		t.Errorf("VerifyPassword with cancelled ctx = %v, %v, want false, context.Canceled", ok, err)
	}
	DummyVerify(cancelled, "Passwort") // must return rather than block

	// A caller already waiting for a slot gives up when its context ends.
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := HashPassword(ctx, "Passwort")
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("waiting HashPassword after cancel = %v, want context.Canceled", err)
	}

	// A waiting caller proceeds once a slot is freed.
	okc := make(chan bool)
	go func() {
		ok, err := VerifyPassword(context.Background(), valid, "Passwort")
		okc <- ok && err == nil
	}()
	<-hashSlots
	if !<-okc {
		t.Error("VerifyPassword after a slot was freed failed")
	}
	hashSlots <- struct{}{} // restore for the cleanup
}

func TestDummyVerify(t *testing.T) {
	DummyVerify(context.Background(), "Passwort")
	// Same parameters as real hashes, so the same work and the same time.
	if NeedsRehash(dummyHash) {
		t.Errorf("NeedsRehash(dummyHash %q) = true, want false", dummyHash)
	}
	if ok, err := VerifyPassword(context.Background(), dummyHash, ""); ok || err != nil {
		t.Errorf(`VerifyPassword(dummyHash, "") = %v, %v, want false, nil`, ok, err)
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		name     string
		password string
		minLen   int
		wantKey  string // "" for no error
		wantArgs []any
	}{
		{"ok", "Straßenbeleuchtung", 12, "", nil},
		{"runes not bytes ok", "ßßßßßßßßßßßß", 12, "", nil},                            // 12 runes, 24 bytes
		{"runes not bytes short", "ßßßßßß", 12, "error.password.too_short", []any{12}}, // 6 runes, 12 bytes
		{"short", "kurz", 12, "error.password.too_short", []any{12}},
		{"empty", "", 8, "error.password.too_short", []any{8}},
		{"empty without minimum", "", 0, "", nil},
		{"spaces", "Leer zeichen erlaubt", 12, "", nil},
		{"256 bytes", strings.Repeat("a", 256), 12, "", nil},
		{"257 bytes", strings.Repeat("a", 257), 12, "error.password.too_long", []any{256}},
		{"129 runes 258 bytes", strings.Repeat("ß", 129), 12, "error.password.too_long", []any{256}},
		{"invalid UTF-8", "Passwort\xff123456", 12, "error.password.invalid", nil},
		{"NUL", "Passwort\x00123456", 12, "error.password.invalid", nil},
		{"tab", "Passwort\t123456", 12, "error.password.invalid", nil},
		{"newline", "Passwort\n123456", 12, "error.password.invalid", nil},
		{"DEL", "Passwort\x7f123456", 12, "error.password.invalid", nil},
		{"C1 control NEL", "Passwort\u0085123456", 12, "error.password.invalid", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPasswordPolicy(tt.password, tt.minLen)
			if tt.wantKey == "" {
				if err != nil {
					t.Errorf("CheckPasswordPolicy(%q, %d) = %v, want nil", tt.password, tt.minLen, err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("CheckPasswordPolicy(%q, %d) = %v, want *FieldError %s", tt.password, tt.minLen, err, tt.wantKey)
			}
			if fe.Field != "password" || fe.Key != tt.wantKey || !slices.Equal(fe.Args, tt.wantArgs) || fe.Error() != tt.wantKey {
				t.Errorf("CheckPasswordPolicy(%q, %d) = %+v, want {password %s %v}", tt.password, tt.minLen, *fe, tt.wantKey, tt.wantArgs)
			}
		})
	}
}

func BenchmarkHashPassword(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := HashPassword(ctx, "Straßenbeleuchtung 2026"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPasswordUnicodeNormalised(t *testing.T) {
	ctx := context.Background()
	composed, decomposed := "Grüße-aus-Köln", "Gru\u0308ße-aus-Ko\u0308ln"
	h, err := HashPassword(ctx, composed)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(ctx, h, decomposed); !ok || err != nil {
		t.Errorf("VerifyPassword(NFD form) = %v, %v; want true", ok, err)
	}
}
