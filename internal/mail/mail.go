// Package mail owns outbound mail: composing MIME with go-mail, delivering the
// outbox over SMTP or into a pickup folder.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/textproto"
	"slices"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// userAgent goes into the User-Agent and X-Mailer headers.
const userAgent = "Kommunalforum"

// Message is one mail ready to send. MessageID includes the angle brackets,
// as returned by NewMessageID.
type Message struct {
	MessageID, From, To, Subject, Text, HTML string
	// Headers are extra header fields written as given (threading and
	// List-* headers); values must be ASCII, already encoded if needed.
	Headers map[string]string
}

// NewMessageID returns a new globally unique Message-ID such as
// "<3f9c…@forum.example>". Callers create it when they enqueue a mail, so a
// retried delivery keeps the same ID and receivers can spot duplicates.
func NewMessageID(domain string) string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return "<" + hex.EncodeToString(b) + "@" + domain + ">"
}

// Sender delivers a batch of messages. The result has one entry per message:
// nil on success, else the error for that message; a failure that hits the
// whole batch (such as a refused connection) repeats the same error for all.
type Sender interface {
	Send(ctx context.Context, msgs []Message) []error
}

// permanentError marks a message that can never be sent as it is, such as
// one with an invalid address.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// connError is a failure to open or set up the SMTP connection (dial, TLS,
// EHLO, AUTH). It concerns the server, not the message, so it is always
// worth retrying, even when the server answered with 5xx (a wrong password).
type connError struct{ err error }

func (e *connError) Error() string { return "smtp connection: " + e.err.Error() }
func (e *connError) Unwrap() error { return e.err }

// Temporary reports whether delivery may succeed when retried later:
// connection failures, timeouts and SMTP 4xx replies are temporary, SMTP 5xx
// replies to a message and unbuildable messages are permanent. Errors of
// unknown kind count as temporary; the attempt limit ends them.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	var pe *permanentError
	if errors.As(err, &pe) {
		return false
	}
	var ce *connError
	if errors.As(err, &ce) {
		return true
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		// ErrorCode is the server's reply code, 0 when go-mail itself failed
		// (for example on a dropped connection).
		if code := se.ErrorCode(); code != 0 {
			return code/100 == 4
		}
		switch se.Reason {
		case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
			return false
		}
		return true
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code/100 != 5
	}
	return true
}

// newMsg composes m as a go-mail message: text/plain always, with a
// text/html alternative when m.HTML is set.
func newMsg(m Message) (*gomail.Msg, error) {
	id := strings.TrimSuffix(strings.TrimPrefix(m.MessageID, "<"), ">")
	if id == "" {
		return nil, &permanentError{errors.New("compose mail: empty message ID")}
	}
	g := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := g.From(m.From); err != nil {
		return nil, &permanentError{fmt.Errorf("compose mail %s: from: %w", m.MessageID, err)}
	}
	if err := g.To(m.To); err != nil {
		return nil, &permanentError{fmt.Errorf("compose mail %s: to: %w", m.MessageID, err)}
	}
	g.Subject(m.Subject)
	// Set explicitly: go-mail would otherwise generate one from the host name.
	g.SetMessageIDWithValue(id)
	g.SetUserAgent(userAgent)
	g.SetDate()
	// RFC 3834: tells auto-responders (vacation notices) not to reply.
	g.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
		v := m.Headers[k]
		if !asciiHeader(k) || !asciiHeader(v) {
			return nil, &permanentError{fmt.Errorf("compose mail %s: header %q is not plain ASCII", m.MessageID, k)}
		}
		g.SetGenHeaderPreformatted(gomail.Header(k), v)
	}
	g.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		g.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return g, nil
}

// asciiHeader reports whether s may go into a header as it is: printable
// ASCII without line breaks, so no header can be injected.
func asciiHeader(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}
