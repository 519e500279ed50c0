package forum

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Elterngeld digital: Erfahrungen?", "elterngeld-digital-erfahrungen"},
		{"Gebühren für Straßenbeleuchtung", "gebuehren-fuer-strassenbeleuchtung"},
		{"Bauen & Wohnen", "bauen-und-wohnen"},
		{"  --- ", "thema"},
		{"ÄÖÜ äöü ß", "aeoeue-aeoeue-ss"},
		{"Привет мир", "thema"},
		{strings.Repeat("Digitalisierung ", 10), "digitalisierung-digitalisierung-digitalisierung-digitalisier"},
	}
	for _, tt := range tests {
		got := Slugify(tt.in)
		if got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > 60 || strings.HasSuffix(got, "-") {
			t.Errorf("Slugify(%q) = %q: longer than 60 or ends in a hyphen", tt.in, got)
		}
	}
}

func newForum(t *testing.T) (*Forum, *store.DB, *store.User) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.EnsureTopicFields(ctx, DefaultTopicFields); err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, store.NewUser{Email: "anna@kreis-musterland.de", DisplayName: "Anna", Role: store.RoleMember,
		OrgType: "landkreis", Status: store.StatusActive, Verified: true}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return New(db, 10), db, &u
}

func TestCheckThread(t *testing.T) {
	f, _, u := newForum(t)
	ctx := context.Background()
	tests := []struct {
		name                     string
		field, kind, title, body string
		wantField                string // the field with an error, "" for none
	}{
		{"valid question", "bildung", "question", "BAföG-Antrag digital", "Wer hat Erfahrungen?", ""},
		{"empty kind is a discussion", "bildung", "", "BAföG-Antrag digital", "Text", ""},
		{"unknown kind", "bildung", "umfrage", "BAföG-Antrag digital", "Text", "kind"},
		{"unknown field", "gibt-es-nicht", "question", "BAföG-Antrag digital", "Text", "topic_field"},
		{"short title", "bildung", "question", "Kurz", "Text", "title"},
		{"control character in title", "bildung", "question", "Titel mit \x07 Glocke", "Text", "title"},
		{"empty body", "bildung", "question", "BAföG-Antrag digital", "   ", "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := f.CheckThread(ctx, u, tt.field, tt.kind, tt.title, tt.body)
			var ve *input.ValidationError
			switch {
			case tt.wantField == "" && err != nil:
				t.Fatalf("CheckThread = %v, want no error", err)
			case tt.wantField == "" && (d.Kind == "" || d.Field.Slug != tt.field):
				t.Errorf("CheckThread = %+v", d)
			case tt.wantField != "" && !errors.As(err, &ve):
				t.Fatalf("CheckThread = %v, want a validation error on %s", err, tt.wantField)
			case tt.wantField != "":
				if _, ok := ve.Fields[tt.wantField]; !ok {
					t.Errorf("CheckThread errors = %v, want one on %s", ve.Fields, tt.wantField)
				}
			}
		})
	}
	if _, err := f.CheckThread(ctx, nil, "bildung", "question", "BAföG-Antrag digital", "Text"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("CheckThread(anonymous) = %v, want ErrForbidden", err)
	}
}

// TestPMDeadlineCountsFromAsking: the deadline of a PM question is counted
// from the forum's clock when it was asked.
func TestPMDeadlineCountsFromAsking(t *testing.T) {
	f, db, u := newForum(t)
	asked := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC) // a Friday
	f.SetClock(func() time.Time { return asked })
	db.SetClock(func() time.Time { return asked })
	th, _, err := f.CreateThread(context.Background(), u, "querschnitt", store.KindPM, "Gebührenbescheide digital zustellen", "Ist das zulässig?")
	if err != nil {
		t.Fatal(err)
	}
	if th.PMStatus != store.PMNew || th.PMDueAt.IsZero() || !th.PMDueAt.After(asked.AddDate(0, 0, 13)) {
		t.Errorf("PM question: status %q, due %v; want neu and 10 working days after %v", th.PMStatus, th.PMDueAt, asked)
	}
}
