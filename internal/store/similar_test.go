package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSimilarQuestions(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "a@x.de")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { now = now.Add(time.Minute); return now })

	// create opens a thread; later ones have newer activity.
	create := func(kind, title string, field int) int64 {
		t.Helper()
		id, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: fs[field].ID, AuthorID: u.ID, Kind: kind,
			Title: title, Slug: "s", Body: "b", BodyHTML: "<p>b</p>"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	wohngeld := create(KindQuestion, "Gebuehren für den Wohngeldantrag", 0)
	bau := create(KindQuestion, "Gebühren im Bauantrag online bezahlen", 0)
	create(KindDiscussion, "Gebühren: eine Diskussion", 0)
	deleted := create(KindQuestion, "Gebühren, gelöscht", 0)
	pm := create(KindPM, "Wohngeld: Anbindung des EfA-Dienstes", 0)
	archived := create(KindQuestion, "Gebühren im archivierten Feld", 1)
	rabatt := create(KindQuestion, "Rabatt von 100 Euro", 0)
	strasse := create(KindQuestion, "Straßenbau in der Gemeinde", 0)
	ueberweisung := create(KindQuestion, "Überweisung an die Kasse", 0)
	if _, err := db.write.ExecContext(ctx, `UPDATE threads SET deleted_at = 1 WHERE id = ?`, deleted); err != nil {
		t.Fatal(err)
	}
	if err := db.SetTopicFieldArchived(ctx, 0, fs[1].ID, true); err != nil {
		t.Fatal(err)
	}
	_ = archived

	tests := []struct {
		title string
		want  []int64
	}{
		{"Gebühren", []int64{bau, wohngeld}},
		{"Gebuehren", []int64{bau, wohngeld}},
		{"GEBÜHREN", []int64{bau, wohngeld}},
		{"Wie hoch sind die Gebühren?", []int64{bau, wohngeld}}, // hoch, gebuehren: one match is enough
		{"Gebühren Wohngeld", []int64{wohngeld, pm, bau}},       // two matches first, then newest
		{"Gebühren Wohngeld Antrag", []int64{wohngeld, bau}},    // three words: two must match
		{"Gebühren Gebuehren gebühren", []int64{bau, wohngeld}}, // one word in three spellings
		{"der die das und für mit", nil},
		{"ab", nil},
		{"", nil},
		{"100%", []int64{rabatt}},
		{"%%%", nil},
		{"___ %_%", nil},
		{`\\\`, nil},
		{"Strasse", []int64{strasse}},
		{"straße", []int64{strasse}},
		{"überweisung", []int64{ueberweisung}},
		{"Ueberweisung", []int64{ueberweisung}},
		{"Diskussion", nil},
		{"gelöscht", nil},
		{"archivierten", nil},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			ts, err := db.SimilarQuestions(ctx, Viewer{AllFields: true}, tt.title, 5)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, th := range ts {
				got = append(got, th.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("SimilarQuestions(%q) = %v, want %v", tt.title, got, tt.want)
			}
		})
	}
}

func TestSimilarQuestionsLimit(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	fs := seedFields(t, db)
	u := seedUser(t, db, "a@x.de")
	for i := range 7 {
		if _, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: fs[0].ID, AuthorID: u.ID, Kind: KindQuestion,
			Title: fmt.Sprintf("Wohngeld Frage %d", i), Slug: "s", Body: "b", BodyHTML: "b"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ limit, want int }{{10, 5}, {5, 5}, {2, 2}, {0, 0}, {-1, 0}} {
		ts, err := db.SimilarQuestions(ctx, Viewer{AllFields: true}, "Wohngeld", tt.limit)
		if err != nil || len(ts) != tt.want {
			t.Errorf("SimilarQuestions(limit %d) = %d questions, %v; want %d", tt.limit, len(ts), err, tt.want)
		}
	}
}

func TestSimilarWords(t *testing.T) {
	tests := []struct {
		title string
		want  []string
	}{
		{"Wie binden wir den EfA-Dienst an?", []string{"binden", "efa", "dienst"}},
		{"Für Gebühren: FÜR Gebuehren", []string{"gebuehren"}},
		{"eins zwei drei vier fünf sechs sieben acht neun zehn", []string{"eins", "zwei", "drei", "vier", "fuenf", "sechs", "sieben", "acht"}},
		{"OZG 2.0 – 100%", []string{"ozg", "100"}},
		{"abc\xffdef", []string{"abc", "def"}},
	}
	for _, tt := range tests {
		var got []string
		for _, w := range similarWords(tt.title) {
			got = append(got, w.folded)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("similarWords(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

func TestSpellings(t *testing.T) {
	tests := []struct {
		word string
		want []string
	}{
		{"antrag", []string{"antrag"}},
		{"gebühren", []string{"gebühren", "gebÜhren", "gebuehren"}},
		{"gebuehren", []string{"gebuehren", "gebühren", "gebÜhren"}},
		{"straße", []string{"straße", "strasse"}},
		{"änderungsprüfung", []string{"änderungsprüfung", "änderungsprÜfung", "änderungspruefung",
			"Änderungsprüfung", "ÄnderungsprÜfung", "Änderungspruefung",
			"aenderungsprüfung", "aenderungsprÜfung", "aenderungspruefung"}},
		// Only the first two are varied.
		{"übergrößenprüfung", []string{"übergrößenprüfung", "übergrÖßenprüfung", "übergroeßenprüfung",
			"Übergrößenprüfung", "ÜbergrÖßenprüfung", "Übergroeßenprüfung",
			"uebergrößenprüfung", "uebergrÖßenprüfung", "uebergroeßenprüfung"}},
		{"café", []string{"café"}},
	}
	for _, tt := range tests {
		if got := spellings(tt.word); !slices.Equal(got, tt.want) {
			t.Errorf("spellings(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

// BenchmarkSimilarQuestions measures the title scan on 100k questions.
func BenchmarkSimilarQuestions(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "forum.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.EnsureTopicFields(ctx, []TopicField{{Slug: "f", Name: "F"}}); err != nil {
		b.Fatal(err)
	}
	u, err := db.CreateUser(ctx, NewUser{Email: "a@x.de", DisplayName: "a", Role: RoleMember, OrgType: "sonstige", Status: StatusActive}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.write.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
		INSERT INTO threads (topic_field_id, author_id, kind, title, slug, post_count, last_post_at, created_at)
		SELECT (SELECT id FROM topic_fields), ?, CASE i % 4 WHEN 0 THEN 'discussion' ELSE 'question' END,
			'Frage ' || i || ' zur Anbindung des Fachverfahrens Nummer ' || (i * 7919 % 1000) || ' an die Gebührenkasse',
			's', 1, i, i FROM n`, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	for _, title := range []string{
		"Wie binden wir das Fachverfahren 123 an die Gebuehrenkasse an?",
		// Eight words with umlauts: the most LIKEs a title can cause.
		"Gebührenkasse Überprüfung Zuständigkeitsänderung Bürgerbüro Öffnungszeiten Änderungsbescheid Größenprüfung Anbindung",
	} {
		b.Run(strings.Fields(title)[0], func(b *testing.B) {
			for b.Loop() {
				ts, err := db.SimilarQuestions(ctx, Viewer{AllFields: true}, title, 5)
				if err != nil || len(ts) != 5 {
					b.Fatalf("SimilarQuestions = %d, %v", len(ts), err)
				}
			}
		})
	}
}
