package notify

import (
	"context"
	"io"
	"log"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"kommunalforum/internal/forum"
	"kommunalforum/internal/i18n"
	"kommunalforum/internal/mail"
	"kommunalforum/internal/store"
)

// sink is a real SMTP server on 127.0.0.1 that records what arrives. It
// can be stopped and started again on the same port (the outage test).
type sink struct {
	t    testing.TB
	Port int

	mu       sync.Mutex
	received [][]byte
	reject   map[string]int
	srv      *smtp.Server
	done     chan struct{}
}

func startSink(t testing.TB) *sink {
	t.Helper()
	s := &sink{t: t, reject: map[string]int{}}
	s.start("127.0.0.1:0")
	t.Cleanup(s.stop)
	return s
}

func (s *sink) start(addr string) {
	s.t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatalf("listen %s: %v", addr, err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	s.mu.Lock()
	s.srv, s.done = srv, done
	s.mu.Unlock()
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
}

// stop closes the server and its connections (idempotent).
func (s *sink) stop() {
	s.mu.Lock()
	srv, done := s.srv, s.done
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
		<-done
	}
}

// restart starts the server again on its old port.
func (s *sink) restart() { s.start(net.JoinHostPort("127.0.0.1", itoa(s.Port))) }

// setReject makes RCPT TO rcpt fail with code (0: accept again).
func (s *sink) setReject(rcpt string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject[rcpt] = code
}

func (s *sink) Received() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.received...)
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct {
	s  *sink
	to []string
}

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	code := ss.s.reject[to]
	ss.s.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: "mailbox unavailable (test)"}
	}
	ss.to = append(ss.to, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.received = append(ss.s.received, b)
	ss.s.mu.Unlock()
	return nil
}
func (ss *sinkSession) Reset()        { ss.to = nil }
func (ss *sinkSession) Logout() error { return nil }

func itoa(n int) string { return strconv.Itoa(n) }

// t0 is a Tuesday morning in Berlin, after the digest time.
var t0 = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)

// env is a notifier on a temp-dir store with a settable clock.
type env struct {
	t      testing.TB
	ctx    context.Context
	db     *store.DB
	n      *Notifier
	now    time.Time
	fields map[string]store.TopicField
	opt    Options
	path   string // the database file
}

const testSite = "https://forum.example"

func newEnv(t testing.TB, delay time.Duration) *env {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "forum.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.EnsureTopicFields(ctx, forum.DefaultTopicFields); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, db: db, now: t0, fields: map[string]store.TopicField{}, path: path}
	db.SetClock(func() time.Time { return e.now })
	e.opt = Options{DB: db, Catalog: cat, Templates: os.DirFS("../../templates"), BaseURL: testSite,
		From: "Kommunalforum <noreply@forum.example>", Delay: delay, DigestTime: "07:00", DigestWeekday: "monday",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e.n = e.newNotifier()
	fs, err := db.TopicFields(ctx, store.Viewer{AllFields: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		e.fields[f.Slug] = f
	}
	return e
}

// newNotifier builds a fresh notifier on the same database, as after a restart.
func (e *env) newNotifier() *Notifier {
	e.t.Helper()
	n, err := New(e.ctx, e.opt)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// field returns some open topic field.
func (e *env) field() store.TopicField {
	for _, f := range forum.DefaultTopicFields {
		return e.fields[f.Slug]
	}
	e.t.Fatal("no topic fields")
	return store.TopicField{}
}

// user creates an active user; delivery "" leaves mail settings unset.
func (e *env) user(name, delivery string) store.User {
	e.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org"
	u, err := e.db.CreateUser(e.ctx, store.NewUser{Email: email, DisplayName: name, Role: store.RoleMember,
		Status: store.StatusActive, Verified: true}, nil, nil)
	if err != nil {
		e.t.Fatalf("CreateUser(%s): %v", name, err)
	}
	if delivery != "" {
		e.settings(u, delivery, delivery)
	}
	return u
}

func (e *env) settings(u store.User, delivery, fieldDelivery string) {
	e.t.Helper()
	if err := e.db.SaveMailSettings(e.ctx, u.ID, delivery, fieldDelivery, true, "Ich willige ein."); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) thread(u store.User, f store.TopicField, title, body string) (threadID, postID int64) {
	e.t.Helper()
	tid, pid, err := e.db.CreateThread(e.ctx, store.NewThread{TopicFieldID: f.ID, AuthorID: u.ID, Title: title, Slug: "thema",
		Body: body, BodyHTML: "<p>" + body + "</p>"})
	if err != nil {
		e.t.Fatal(err)
	}
	return tid, pid
}

func (e *env) reply(u store.User, threadID int64, body string) int64 {
	e.t.Helper()
	id, err := e.db.CreatePost(e.ctx, threadID, u.ID, body, "<p>"+body+"</p>")
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// run processes events and sends due immediate mail at e.now.
func (e *env) run() int {
	e.t.Helper()
	_, mails, err := e.n.RunOnce(e.ctx, e.now)
	if err != nil {
		e.t.Fatalf("RunOnce: %v", err)
	}
	return mails
}

// outbox lists the pending outbox mails.
func (e *env) outbox() []store.OutboxMail {
	e.t.Helper()
	ms, err := e.db.DueMail(e.ctx, e.now.Add(24*time.Hour), 10000)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

// deliver sends the outbox through SMTP to the sink.
func (e *env) deliver(s *sink) *mail.Deliverer {
	e.t.Helper()
	d := mail.NewDeliverer(e.db, mail.NewSMTPSender(mail.SMTPConfig{Host: "127.0.0.1", Port: s.Port, TLS: "none"}),
		"noreply@forum.example", e.opt.Log)
	d.MaxPermanentFailures = 3
	return d
}

// parsed is a received message: its headers and decoded parts by type.
type parsed struct {
	Header netmail.Header
	Parts  map[string]string
}

func parse(t testing.TB, raw []byte) parsed {
	t.Helper()
	m, err := netmail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	p := parsed{Header: m.Header, Parts: map[string]string{}}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type: %v", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		p.Parts[mt] = decode(t, m.Header.Get("Content-Transfer-Encoding"), m.Body)
		return p
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		p.Parts[pt] = decode(t, part.Header.Get("Content-Transfer-Encoding"), part)
	}
	return p
}

func decode(t testing.TB, cte string, r io.Reader) string {
	t.Helper()
	if strings.EqualFold(cte, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
