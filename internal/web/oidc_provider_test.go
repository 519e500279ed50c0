package web

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// fakeIdP is an OpenID Connect provider in the test process: discovery,
// JWKS with a fresh RSA key, an authorize endpoint that "logs in" at once
// and redirects back with a code, and a token endpoint that checks the
// client, the code and the PKCE verifier and returns an RS256 ID token.
// It is the boundary we do not own, so it is faked; the forum's side runs
// for real over HTTP.
type fakeIdP struct {
	t                testing.TB
	srv              *httptest.Server
	key              *rsa.PrivateKey
	clientID, secret string

	mu     sync.Mutex
	grants map[string]fakeGrant // by code
	// What the next authorization puts into its ID token: user claims, and
	// the faults a test asks for.
	next fakeLogin
}

// fakeLogin is the person who logs in at the provider and the faults of
// the token issued for them.
type fakeLogin struct {
	claims   map[string]any // sub, email, email_verified, name, organization, groups
	audience string         // "" means the client ID
	nonce    string         // "" means the nonce of the request
	tamper   bool           // break the signature
}

type fakeGrant struct {
	challenge, nonce, redirect string
	login                      fakeLogin
}

func newFakeIdP(t testing.TB) *fakeIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeIdP{t: t, key: key, clientID: "kommunalforum", secret: "client-secret-1234", grants: map[string]fakeGrant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// issuer is the provider's URL (http on loopback, as config allows for tests).
func (p *fakeIdP) issuer() string { return p.srv.URL }

// login sets who logs in next and how their token is spoilt.
func (p *fakeIdP) login(l fakeLogin) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next = l
}

func (p *fakeIdP) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{
		"issuer":                                p.issuer(),
		"authorization_endpoint":                p.issuer() + "/authorize",
		"token_endpoint":                        p.issuer() + "/token",
		"jwks_uri":                              p.issuer() + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (p *fakeIdP) jwks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

// authorize checks the request a client must send for the code flow with
// PKCE and answers as if the person had logged in: a redirect back with a
// fresh code and the state unchanged.
func (p *fakeIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("client_id") != p.clientID, q.Get("response_type") != "code", q.Get("code_challenge_method") != "S256",
		q.Get("code_challenge") == "", q.Get("nonce") == "", q.Get("state") == "", !strings.Contains(q.Get("scope"), "openid"):
		http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	code := randomString(p.t)
	p.mu.Lock()
	p.grants[code] = fakeGrant{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirect: q.Get("redirect_uri"), login: p.next}
	p.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	v := back.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token redeems a code once, for the right client with the right PKCE
// verifier and redirect URI, and returns the signed ID token.
func (p *fakeIdP) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	} else {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	}
	if id != p.clientID || secret != p.secret {
		tokenError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g, ok := p.grants[code]
	delete(p.grants, code)
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code", !ok, r.PostForm.Get("redirect_uri") != g.redirect:
		tokenError(w, http.StatusBadRequest, "invalid_grant")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		tokenError(w, http.StatusBadRequest, "invalid_grant") // PKCE verifier does not fit the challenge
		return
	}
	now := time.Now()
	claims := map[string]any{"iss": p.issuer(), "aud": p.clientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"nonce": g.nonce}
	maps.Copy(claims, g.login.claims)
	if g.login.audience != "" {
		claims["aud"] = g.login.audience
	}
	if g.login.nonce != "" {
		claims["nonce"] = g.login.nonce
	}
	idToken := p.sign(claims)
	if g.login.tamper {
		idToken = tamper(p.t, idToken)
	}
	writeJSON(w, map[string]any{"access_token": randomString(p.t), "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
}

// sign makes an RS256 JWT of claims with the key published in the JWKS.
func (p *fakeIdP) sign(claims map[string]any) string {
	p.t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		p.t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		p.t.Fatal(err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		p.t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

// tamper changes the payload of a signed JWT (the email claim) and keeps
// the old signature, as an attacker would: the signature no longer fits.
func tamper(t testing.TB, jwt string) string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	claims["email"] = "angreifer@example.org"
	raw, _ = json.Marshal(claims)
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

func tokenError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func randomString(t testing.TB) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
