package mail

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// PickupSender writes each message as an .eml file into Dir instead of
// sending it, for development and for an MTA that collects a pickup folder.
// Files are named <timestamp>-<message id>.eml and appear complete or not at
// all (written to a temp file, then renamed).
type PickupSender struct {
	Dir string
}

// Send writes msgs into s.Dir, creating it when missing.
func (s PickupSender) Send(ctx context.Context, msgs []Message) []error {
	errs := make([]error, len(msgs))
	if err := os.MkdirAll(s.Dir, 0o750); err != nil {
		err = fmt.Errorf("pickup dir: %w", err)
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		errs[i] = s.write(m)
	}
	return errs
}

func (s PickupSender) write(m Message) error {
	g, err := newMsg(m)
	if err != nil {
		return err
	}
	name := time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + sanitizeID(m.MessageID) + ".eml"
	// The leading dot keeps readers that look for *.eml from seeing the temp file.
	f, err := os.CreateTemp(s.Dir, ".pickup-*.tmp")
	if err != nil {
		return fmt.Errorf("pickup %s: %w", m.MessageID, err)
	}
	tmp := f.Name()
	// Readable by the group, like Dir, so a collecting MTA may read it.
	err = f.Chmod(0o640)
	if err == nil {
		_, err = g.WriteTo(f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(s.Dir, name))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("pickup %s: %w", m.MessageID, err)
	}
	return nil
}

// sanitizeID keeps the characters of a message ID that are safe in a file
// name on any system and replaces the rest with '_'.
func sanitizeID(id string) string {
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '@':
			return r
		}
		return '_'
	}, id)
}
