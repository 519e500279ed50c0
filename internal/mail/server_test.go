package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testServer is a real SMTP server on 127.0.0.1 that records what arrives.
type testServer struct {
	Port int

	srv *smtp.Server
	ln  net.Listener

	mu       sync.Mutex
	conns    map[*smtp.Conn]bool
	received []received
	// reject maps a recipient to the reply its RCPT TO gets.
	reject map[string]*smtp.SMTPError
	// user and pass, when set, are required via AUTH PLAIN before MAIL FROM.
	user, pass string
}

// received is one message as the server got it.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
}

type serverOptions struct {
	addr       string // default 127.0.0.1:0
	starttls   *tls.Config
	implicit   *tls.Config // serve TLS from the first byte
	user, pass string
}

func startServer(t *testing.T, o serverOptions) *testServer {
	t.Helper()
	ts := &testServer{
		conns:  map[*smtp.Conn]bool{},
		reject: map[string]*smtp.SMTPError{},
		user:   o.user,
		pass:   o.pass,
	}
	ts.srv = smtp.NewServer(ts)
	ts.srv.Domain = "localhost"
	ts.srv.ReadTimeout = 10 * time.Second
	ts.srv.WriteTimeout = 10 * time.Second
	ts.srv.AllowInsecureAuth = false
	ts.srv.TLSConfig = o.starttls
	ts.srv.ErrorLog = log.New(io.Discard, "", 0)

	addr := o.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	if o.implicit != nil {
		ln = tls.NewListener(ln, o.implicit)
	}
	ts.ln = ln
	ts.Port = ln.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		ts.srv.Close()
		<-done
	})
	return ts
}

// Reject makes RCPT TO rcpt fail with the given reply code.
func (ts *testServer) Reject(rcpt string, code int) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.reject[rcpt] = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: "rejected by test"}
}

// Received returns a copy of the messages received so far.
func (ts *testServer) Received() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.received...)
}

// Conns returns the number of connections that said EHLO.
func (ts *testServer) Conns() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.conns)
}

// NewSession implements smtp.Backend. go-smtp starts a new session on the
// same connection after STARTTLS, so connections are counted by *smtp.Conn.
func (ts *testServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	ts.mu.Lock()
	ts.conns[c] = true
	ts.mu.Unlock()
	_, isTLS := c.TLSConnectionState()
	return &testSession{ts: ts, tls: isTLS}, nil
}

type testSession struct {
	ts   *testServer
	tls  bool
	user string
	msg  received
}

func (s *testSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if s.ts.user == "" || username != s.ts.user || password != s.ts.pass {
			return smtp.ErrAuthFailed // 535, a permanent reply
		}
		s.user = username
		return nil
	}), nil
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.ts.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.msg = received{From: from, TLS: s.tls, User: s.user}
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ts.mu.Lock()
	rej := s.ts.reject[to]
	s.ts.mu.Unlock()
	if rej != nil {
		return rej
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = b
	s.ts.mu.Lock()
	s.ts.received = append(s.ts.received, s.msg)
	s.ts.mu.Unlock()
	return nil
}

func (s *testSession) Reset()        { s.msg = received{} }
func (s *testSession) Logout() error { return nil }

// selfSignedTLS returns a server config with a fresh self-signed ECDSA
// certificate for 127.0.0.1 and a client config that trusts it.
func selfSignedTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "kommunalforum test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool}
	return server, client
}

// closedPort returns a loopback port nobody listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func addrOf(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }
