package mail

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig says how to reach the relay. TLS is "starttls" (the default when
// empty; STARTTLS is mandatory), "tls" (implicit TLS) or "none"; a zero Port
// means 587, 465 or 25 accordingly. AUTH is used only when Username is set and picks the strongest
// mechanism the server offers; go-mail offers PLAIN and LOGIN only over an
// encrypted connection. HELO defaults to the host name.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string
	HELO     string
}

// SMTPSender delivers messages to an SMTP relay. It keeps its connection
// open between batches while the queue has mail (the Deliverer calls
// CloseIdle when it runs dry), so a busy queue pays for one dial, TLS
// handshake and AUTH instead of one per batch.
type SMTPSender struct {
	cfg SMTPConfig

	mu   sync.Mutex     // one batch at a time on the shared connection
	conn *gomail.Client // nil when not connected

	// TLSConfig replaces the default TLS settings (system roots, server name
	// Host); tests use it to trust a self-signed certificate. An empty
	// ServerName is set to Host.
	TLSConfig *tls.Config

	// Timeout bounds the dial and each SMTP command; zero means 30 seconds.
	Timeout time.Duration
}

// NewSMTPSender returns a sender for cfg. The configuration is checked on the
// first Send, where an error counts as a failure of every message.
func NewSMTPSender(cfg SMTPConfig) *SMTPSender {
	return &SMTPSender{cfg: cfg}
}

// client builds a go-mail client for a new connection (see connect);
// concurrent Send calls take turns on it (s.mu).
func (s *SMTPSender) client() (*gomail.Client, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout)}
	port := s.cfg.Port
	switch s.cfg.TLS {
	case "starttls", "":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		port = cmp.Or(port, gomail.DefaultPortTLS)
	case "tls":
		opts = append(opts, gomail.WithSSL())
		port = cmp.Or(port, gomail.DefaultPortSSL)
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		port = cmp.Or(port, gomail.DefaultPort)
	default:
		return nil, fmt.Errorf("unknown SMTP TLS mode %q (want starttls, tls or none)", s.cfg.TLS)
	}
	opts = append(opts, gomail.WithPort(port))
	if s.TLSConfig != nil {
		tc := s.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = s.cfg.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	if s.cfg.Username != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

// Send delivers msgs over the kept SMTP connection (dialled when there is
// none), one transaction per message; the connection stays open for the
// next batch until CloseIdle. ctx bounds the dial and is checked between
// messages; a single SMTP command is bounded by Timeout.
func (s *SMTPSender) Send(ctx context.Context, msgs []Message) []error {
	errs := make([]error, len(msgs))
	built := make([]*gomail.Msg, len(msgs))
	ready := 0
	for i, m := range msgs {
		built[i], errs[i] = newMsg(m)
		if errs[i] == nil {
			ready++
		}
	}
	if ready == 0 {
		return errs
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.connect(ctx)
	if err != nil {
		err = &connError{err}
		for i := range built {
			if built[i] != nil {
				errs[i] = err
			}
		}
		return errs
	}
	for i, g := range built {
		if g == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		err := c.Send(g)
		if err == nil {
			continue
		}
		errs[i] = fmt.Errorf("send %s: %w", msgs[i].MessageID, err)
		// The connection is gone: fail the rest at once instead of letting
		// each message find out on its own.
		var se *gomail.SendError
		if errors.As(err, &se) && se.Reason == gomail.ErrConnCheck {
			for j := i + 1; j < len(built); j++ {
				if built[j] != nil {
					errs[j] = errs[i]
				}
			}
			s.closeLocked()
			break
		}
	}
	return errs
}

// connect returns the open connection after checking it with RSET, or
// dials a new one. Called with s.mu held.
func (s *SMTPSender) connect(ctx context.Context) (*gomail.Client, error) {
	if s.conn != nil {
		if err := s.conn.Reset(); err == nil {
			return s.conn, nil
		}
		// The relay hung up meanwhile (idle timeout): dial afresh.
		s.closeLocked()
	}
	c, err := s.client()
	if err == nil {
		err = c.DialWithContext(ctx)
	}
	if err != nil {
		return nil, err
	}
	s.conn = c
	return c, nil
}

// CloseIdle ends the kept connection with QUIT, if there is one.
func (s *SMTPSender) CloseIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLocked()
}

func (s *SMTPSender) closeLocked() {
	if s.conn != nil {
		// The messages are accepted once DATA is answered; a failing QUIT
		// changes nothing about them.
		_ = s.conn.Close()
		s.conn = nil
	}
}
