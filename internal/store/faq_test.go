package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"
)

// faqFixture is a database with two fields, a moderator and a clock.
type faqFixture struct {
	db     *DB
	clock  *clock
	fields []TopicField
	mod    User
}

func newFAQFixture(t *testing.T) *faqFixture {
	t.Helper()
	db := newTestDB(t)
	c := &clock{now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	db.SetClock(c.get)
	return &faqFixture{db: db, clock: c, fields: seedFields(t, db), mod: seedUser(t, db, "mod@kreis.de")}
}

// entry creates a draft in field i with the given question.
func (f *faqFixture) entry(t *testing.T, field int, question string) int64 {
	t.Helper()
	id, err := f.db.CreateFAQEntry(context.Background(), NewFAQEntry{TopicFieldID: f.fields[field].ID, OwnerID: f.mod.ID,
		Question: question, Answer: "Antwort", AnswerHTML: "<p>Antwort</p>"})
	if err != nil {
		t.Fatalf("CreateFAQEntry(%q): %v", question, err)
	}
	return id
}

// order lists the questions of field i (all states) as "position:question".
func (f *faqFixture) order(t *testing.T, field int) []string {
	t.Helper()
	es, err := f.db.FAQEntriesByField(context.Background(), f.fields[field].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, strconv.Itoa(e.Position)+":"+e.Question)
	}
	return out
}

func (f *faqFixture) auditActions(t *testing.T) []string {
	t.Helper()
	es, err := f.db.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Action+":"+es[i].Detail)
	}
	return out
}

func TestFAQCreateAndRevisions(t *testing.T) {
	f := newFAQFixture(t)
	ctx := context.Background()
	review := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	id, err := f.db.CreateFAQEntry(ctx, NewFAQEntry{TopicFieldID: f.fields[0].ID, OwnerID: f.mod.ID, Question: "Wer zahlt?",
		Answer: "Zeile 1\nZeile 2", AnswerHTML: "<p>Zeile 1\nZeile 2</p>", ReviewBy: review})
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.db.FAQEntryByID(ctx, Viewer{AllFields: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	if e.State != FAQDraft || e.Version != 1 || e.Position != 1 || !e.ReviewBy.Equal(review) || e.OwnerName != f.mod.DisplayName ||
		e.FieldSlug != "familie-kind" || e.HasSource() || !e.PublishedAt.IsZero() {
		t.Fatalf("new entry = %+v", e)
	}

	f.clock.now = f.clock.now.Add(time.Hour)
	up := FAQUpdate{Question: "Wer zahlt den Betrieb?", Answer: "Zeile 1\nZeile 2 neu", AnswerHTML: "<p>neu</p>", ReviewBy: review}
	if err := f.db.UpdateFAQEntry(ctx, f.mod.ID, id, up); err != nil {
		t.Fatal(err)
	}
	// Saving the same text again makes no revision; only the date changes.
	up.ReviewBy = time.Time{}
	if err := f.db.UpdateFAQEntry(ctx, f.mod.ID, id, up); err != nil {
		t.Fatal(err)
	}
	if err := f.db.UpdateFAQEntry(ctx, f.mod.ID, id, up); err != nil {
		t.Fatal(err)
	}
	e, _ = f.db.FAQEntryByID(ctx, Viewer{AllFields: true}, id)
	if e.Version != 2 || e.Question != up.Question || e.AnswerHTML != "<p>neu</p>" || !e.ReviewBy.IsZero() || !e.UpdatedAt.Equal(f.clock.now) {
		t.Errorf("after updates = %+v", e)
	}
	revs, err := f.db.FAQRevisions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Version != 1 || revs[0].Question != "Wer zahlt?" || revs[1].Version != 2 || revs[1].Answer != up.Answer {
		t.Errorf("FAQRevisions = %+v, want versions 1 and 2", revs)
	}
	want := []string{"faq.create:", "faq.update:2", "faq.update:2"}
	if got := f.auditActions(t); !slices.Equal(got, want) {
		t.Errorf("audit = %v, want %v", got, want)
	}
	if _, err := f.db.FAQEntryByID(ctx, Viewer{AllFields: true}, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("FAQEntryByID(999) = %v, want ErrNotFound", err)
	}
	if err := f.db.UpdateFAQEntry(ctx, f.mod.ID, 999, up); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateFAQEntry(999) = %v, want ErrNotFound", err)
	}
}

func TestFAQReorderStaysDense(t *testing.T) {
	f := newFAQFixture(t)
	ctx := context.Background()
	a, b, c := f.entry(t, 0, "A"), f.entry(t, 0, "B"), f.entry(t, 0, "C")
	other := f.entry(t, 1, "X")
	steps := []struct {
		name string
		do   func() error
		want []string
	}{
		{"created", func() error { return nil }, []string{"1:A", "2:B", "3:C"}},
		{"C to the top", func() error { return f.db.PlaceFAQEntry(ctx, f.mod.ID, c, 1) }, []string{"1:C", "2:A", "3:B"}},
		{"C past the end", func() error { return f.db.PlaceFAQEntry(ctx, f.mod.ID, c, 99) }, []string{"1:A", "2:B", "3:C"}},
		{"same place", func() error { return f.db.PlaceFAQEntry(ctx, f.mod.ID, a, 1) }, []string{"1:A", "2:B", "3:C"}},
		{"archive A", func() error { return f.db.SetFAQState(ctx, f.mod.ID, a, FAQArchived) }, []string{"1:B", "2:C", "0:A"}},
		{"restore A at the end", func() error { return f.db.SetFAQState(ctx, f.mod.ID, a, FAQDraft) }, []string{"1:B", "2:C", "3:A"}},
		{"B down", func() error { return f.db.PlaceFAQEntry(ctx, f.mod.ID, b, 2) }, []string{"1:C", "2:B", "3:A"}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := f.order(t, 0); !slices.Equal(got, s.want) {
			t.Errorf("%s: order = %v, want %v", s.name, got, s.want)
		}
	}
	if got := f.order(t, 1); !slices.Equal(got, []string{"1:X"}) {
		t.Errorf("other field = %v, want untouched", got)
	}
	if err := f.db.SetFAQState(ctx, f.mod.ID, other, FAQArchived); err != nil {
		t.Fatal(err)
	}
	if err := f.db.PlaceFAQEntry(ctx, f.mod.ID, other, 1); !errors.Is(err, ErrConflict) {
		t.Errorf("placing an archived entry = %v, want ErrConflict", err)
	}
}

func TestFAQStatesAndVisibility(t *testing.T) {
	f := newFAQFixture(t)
	ctx := context.Background()
	draft := f.entry(t, 0, "Entwurf")
	pub := f.entry(t, 0, "Veröffentlicht")
	late := f.entry(t, 1, "Umwelt")
	for _, id := range []int64{pub, late} {
		if err := f.db.SetFAQState(ctx, f.mod.ID, id, FAQPublished); err != nil {
			t.Fatal(err)
		}
	}
	// Publishing twice changes nothing and audits once.
	if err := f.db.SetFAQState(ctx, f.mod.ID, pub, FAQPublished); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetFAQState(ctx, f.mod.ID, pub, "gone"); err == nil {
		t.Error("SetFAQState with an unknown state succeeded")
	}
	e, _ := f.db.FAQEntryByID(ctx, Viewer{AllFields: true}, pub)
	if e.State != FAQPublished || !e.PublishedAt.Equal(f.clock.now) {
		t.Errorf("published entry = %s at %v", e.State, e.PublishedAt)
	}

	readers, err := f.db.FAQEntriesByField(ctx, f.fields[0].ID, false)
	if err != nil || len(readers) != 1 || readers[0].ID != pub {
		t.Errorf("FAQEntriesByField(readers) = %v, %v; want only the published one", readers, err)
	}
	all, _ := f.db.FAQEntriesByField(ctx, f.fields[0].ID, true)
	if len(all) != 2 || all[0].ID != draft {
		t.Errorf("FAQEntriesByField(all) = %d entries, want 2 in order", len(all))
	}
	groups, err := f.db.FAQOverview(ctx, Viewer{AllFields: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0].FieldSlug != "familie-kind" || len(groups[0].Entries) != 1 || groups[1].Entries[0].ID != late {
		t.Errorf("FAQOverview = %+v, want two fields in display order with their published entries", groups)
	}

	if err := f.db.SetFAQState(ctx, f.mod.ID, pub, FAQDraft); err != nil {
		t.Fatal(err)
	}
	if groups, _ := f.db.FAQOverview(ctx, Viewer{AllFields: true}); len(groups) != 1 {
		t.Errorf("after withdrawing, FAQOverview has %d fields, want 1", len(groups))
	}
	want := []string{"faq.create:", "faq.create:", "faq.create:", "faq.publish:", "faq.publish:", "faq.unpublish:"}
	if got := f.auditActions(t); !slices.Equal(got, want) {
		t.Errorf("audit = %v, want %v", got, want)
	}
	// Entries written from scratch have no thread, so no event is recorded.
	if es, _ := f.db.EventsAfter(ctx, 0, 100); len(es) != 0 {
		t.Errorf("events = %+v, want none", es)
	}
}

// TestFAQPromotedAndNeedsReview: an entry promoted from an official answer
// records faq.published, shows in its thread's list, and goes to review
// (with an event for its owner) when the official answer gets a new version
// through EditPost; archived entries stay archived and entries from other
// posts are untouched. Editing a post that is not official changes nothing.
func TestFAQPromotedAndNeedsReview(t *testing.T) {
	p := newPMFixture(t)
	ctx := context.Background()
	mod := seedUser(t, p.db, "mod@kreis.de")
	q := p.question(t, 0, time.Time{})
	official := p.answer(t, q, "Das Land trägt die Kosten.")
	plain := p.answer(t, q, "Ergänzung")
	if err := p.db.MarkOfficial(ctx, p.pm.ID, official, "OZG-PM"); err != nil {
		t.Fatal(err)
	}
	promote := func(postID int64, publish bool) int64 {
		t.Helper()
		id, err := p.db.CreateFAQEntry(ctx, NewFAQEntry{TopicFieldID: p.fields[0].ID, OwnerID: mod.ID, Question: "Wer trägt die Kosten?",
			Answer: "Das Land.", AnswerHTML: "<p>Das Land.</p>", SourceThreadID: q, SourcePostID: postID, Publish: publish})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	published := promote(official, true)
	draft := promote(official, false)
	archived := promote(official, false)
	fromPlain := promote(plain, true)
	if err := p.db.SetFAQState(ctx, mod.ID, archived, FAQArchived); err != nil {
		t.Fatal(err)
	}

	e, _ := p.db.FAQEntryByID(ctx, Viewer{AllFields: true}, published)
	if e.SourceOfficial != 1 || e.SourceOfficialBy != "OZG-PM" || !e.SourceAvailable() || e.SourceThreadURL() != "/t/"+strconv.FormatInt(q, 10)+"-frage" {
		t.Errorf("source of promoted entry = %+v", e)
	}
	if got, _ := p.db.FAQEntryBySourcePost(ctx, official); got.ID != published {
		t.Errorf("FAQEntryBySourcePost = %d, want %d", got.ID, published)
	}
	if es, _ := p.db.FAQEntriesByThread(ctx, q, false); len(es) != 2 {
		t.Errorf("FAQEntriesByThread(readers) = %d entries, want the 2 published", len(es))
	}
	if es, _ := p.db.FAQEntriesByThread(ctx, q, true); len(es) != 3 {
		t.Errorf("FAQEntriesByThread(all) = %d entries, want 3 (archived left out)", len(es))
	}

	if err := p.db.EditPost(ctx, plain, p.pm.ID, "Ergänzung 2", "<p>Ergänzung 2</p>"); err != nil {
		t.Fatal(err)
	}
	if e, _ := p.db.FAQEntryByID(ctx, Viewer{AllFields: true}, fromPlain); e.State != FAQPublished {
		t.Errorf("entry from a plain answer after its edit = %s, want published", e.State)
	}
	p.clock.now = p.clock.now.Add(time.Hour)
	if err := p.db.EditPost(ctx, official, p.pm.ID, "Das Land trägt 80 %.", "<p>Das Land trägt 80 %.</p>"); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{published: FAQNeedsReview, draft: FAQNeedsReview, archived: FAQArchived, fromPlain: FAQPublished} {
		if e, _ := p.db.FAQEntryByID(ctx, Viewer{AllFields: true}, id); e.State != want {
			t.Errorf("entry %d after the new official version = %s, want %s", id, e.State, want)
		}
	}
	var got []string
	for _, k := range p.eventKinds(t, q) {
		if k[:4] == "faq." {
			got = append(got, k)
		}
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	want := []string{"faq.published:" + id(published), "faq.published:" + id(fromPlain),
		"faq.needs_review:" + id(published), "faq.needs_review:" + id(draft)}
	if !slices.Equal(got, want) {
		t.Errorf("FAQ events = %v, want %v", got, want)
	}
	es, _ := p.db.AuditLog(ctx, 1)
	if es[0].Action != "faq.needs_review" || es[0].ActorID != 0 || es[0].Detail != id(official) {
		t.Errorf("last audit row = %+v, want faq.needs_review by the system", es[0])
	}
}
