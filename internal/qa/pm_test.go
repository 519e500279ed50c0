package qa

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"kommunalforum/internal/auth"
	"kommunalforum/internal/input"
	"kommunalforum/internal/store"
)

// pmEnv is a database with a PM question and its answer, a member (the
// asker), two pm users (one without organisation), a moderator, an admin
// and a disabled pm user.
type pmEnv struct {
	db       *store.DB
	pm       *PM
	field    store.TopicField
	users    map[string]*store.User
	question int64 // thread
	opening  int64 // the question's post
	answer   int64 // an answer by a member
}

func newPMEnv(t *testing.T) *pmEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "forum.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.EnsureTopicFields(ctx, []store.TopicField{{Slug: "familie-kind", Name: "Familie & Kind", Position: 10}}); err != nil {
		t.Fatal(err)
	}
	f, err := db.TopicFieldBySlug(ctx, "familie-kind")
	if err != nil {
		t.Fatal(err)
	}
	e := &pmEnv{db: db, pm: NewPM(db, DefaultAnsweringBody), field: f, users: map[string]*store.User{}}
	for _, u := range []struct{ name, role, org, status string }{
		{"asker", store.RoleMember, "Stadt Beispiel", store.StatusActive},
		{"pm", store.RolePM, "FITKO", store.StatusActive},
		{"pm-noorg", store.RolePM, "", store.StatusActive},
		{"pm-disabled", store.RolePM, "", store.StatusDisabled},
		{"moderator", store.RoleModerator, "", store.StatusActive},
		{"admin", store.RoleAdmin, "", store.StatusActive},
	} {
		created, err := db.CreateUser(ctx, store.NewUser{Email: u.name + "@example.de", DisplayName: u.name, Role: u.role,
			OrgName: u.org, OrgType: "sonstige", Status: u.status}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if u.role == store.RoleModerator {
			if err := db.SetModeratorFields(ctx, created.ID, []int64{f.ID}); err != nil {
				t.Fatal(err)
			}
			created, _ = db.UserByID(ctx, created.ID)
		}
		e.users[u.name] = &created
	}
	e.question, e.opening, err = db.CreateThread(ctx, store.NewThread{TopicFieldID: f.ID, AuthorID: e.users["asker"].ID,
		Kind: store.KindPM, Title: "Frage", Slug: "frage", Body: "Wie?", BodyHTML: "<p>Wie?</p>", PMDueAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	e.answer, err = db.CreatePost(ctx, e.question, e.users["asker"].ID, "Nachtrag", "<p>Nachtrag</p>")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// pmInvalid fails unless err is a validation error with key on field.
func pmInvalid(t *testing.T, err error, field, key, what string) {
	t.Helper()
	var ve *input.ValidationError
	if !errors.As(err, &ve) || ve.Fields[field].Key != key {
		t.Errorf("%s = %v, want %s on %q", what, err, key, field)
	}
}

// TestPMPermissions is the permission table of the PM actions.
func TestPMPermissions(t *testing.T) {
	ctx := context.Background()
	for _, who := range []string{"anonymous", "asker", "moderator", "admin", "pm-disabled"} {
		t.Run(who, func(t *testing.T) {
			e := newPMEnv(t)
			u := e.users[who] // nil for anonymous
			if _, err := e.pm.MarkOfficial(ctx, u, e.answer, ""); !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("MarkOfficial = %v, want ErrForbidden", err)
			}
			if _, err := e.pm.Assign(ctx, u, e.question, e.users["pm"].ID); !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("Assign = %v, want ErrForbidden", err)
			}
			if _, err := e.pm.AssignEmail(ctx, u, e.question, "pm@example.de"); !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("AssignEmail = %v, want ErrForbidden", err)
			}
			if _, err := e.pm.SetStatus(ctx, u, e.question, store.PMWorking); !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("SetStatus = %v, want ErrForbidden", err)
			}
			if _, _, err := e.pm.Queue(ctx, u, QueueFilter{}, time.Now(), 10, 0); !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("Queue = %v, want ErrForbidden", err)
			}
			if th, _ := e.db.ThreadByID(ctx, e.question); th.PMStatus != store.PMNew {
				t.Errorf("refused actions changed the state to %q", th.PMStatus)
			}
		})
	}
	t.Run("pm", func(t *testing.T) {
		e := newPMEnv(t)
		pm := e.users["pm"]
		if _, _, err := e.pm.Queue(ctx, pm, QueueFilter{}, time.Now(), 10, 0); err != nil {
			t.Errorf("Queue = %v", err)
		}
		if _, err := e.pm.SetStatus(ctx, pm, e.question, store.PMWorking); err != nil {
			t.Errorf("SetStatus = %v", err)
		}
		if _, err := e.pm.AssignEmail(ctx, pm, e.question, "PM-NoOrg@example.de"); err != nil {
			t.Errorf("AssignEmail = %v", err)
		}
		// Not the question itself, and nothing outside PM questions.
		if _, err := e.pm.MarkOfficial(ctx, pm, e.opening, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("MarkOfficial(opening post) = %v, want ErrForbidden", err)
		}
		d, _, _ := e.db.CreateThread(ctx, store.NewThread{TopicFieldID: e.field.ID, AuthorID: pm.ID, Kind: store.KindQuestion,
			Title: "Q", Slug: "q", Body: "b", BodyHTML: "b"})
		reply, _ := e.db.CreatePost(ctx, d, e.users["asker"].ID, "r", "r")
		if _, err := e.pm.MarkOfficial(ctx, pm, reply, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("MarkOfficial(member question) = %v, want ErrForbidden", err)
		}
		if _, err := e.pm.Assign(ctx, pm, d, pm.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("Assign(member question) = %v, want ErrForbidden", err)
		}
		if _, err := e.pm.MarkOfficial(ctx, pm, 9999, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MarkOfficial(missing) = %v, want ErrNotFound", err)
		}
		p, err := e.pm.MarkOfficial(ctx, pm, e.answer, "")
		if err != nil || !p.Official() {
			t.Fatalf("MarkOfficial = %+v, %v", p, err)
		}
		th, _ := e.db.ThreadByID(ctx, e.question)
		if th.PMStatus != store.PMAnswered || th.Status() != store.StatusAnswered || th.PMAssigneeName != "pm-noorg" {
			t.Errorf("after official answer: %q / %q, assignee %q", th.PMStatus, th.Status(), th.PMAssigneeName)
		}
	})
}

func TestMarkOfficialAnsweringBody(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		who, asked, want string
	}{
		{"pm", "", "FITKO"},                    // the pm user's organisation
		{"pm-noorg", "", DefaultAnsweringBody}, // the default
		{"pm", "  Bundesministerium des Innern  ", "Bundesministerium des Innern"}, // the request wins
	}
	for _, tt := range tests {
		e := newPMEnv(t)
		p, err := e.pm.MarkOfficial(ctx, e.users[tt.who], e.answer, tt.asked)
		if err != nil || p.OfficialBody != tt.want || p.OfficialVersion != 1 {
			t.Errorf("MarkOfficial(%s, %q) = %q v%d, %v; want %q", tt.who, tt.asked, p.OfficialBody, p.OfficialVersion, err, tt.want)
		}
	}
	e := newPMEnv(t)
	_, err := e.pm.MarkOfficial(ctx, e.users["pm"], e.answer, "x")
	pmInvalid(t, err, "answering_body", "error.input.too_short", "MarkOfficial(too short body)")
}

func TestPMValidation(t *testing.T) {
	ctx := context.Background()
	e := newPMEnv(t)
	pm := e.users["pm"]
	_, err := e.pm.Assign(ctx, pm, e.question, e.users["asker"].ID)
	pmInvalid(t, err, "assignee", "pm.error.assignee", "Assign(member)")
	_, err = e.pm.Assign(ctx, pm, e.question, e.users["pm-disabled"].ID)
	pmInvalid(t, err, "assignee", "pm.error.assignee", "Assign(disabled pm)")
	_, err = e.pm.Assign(ctx, pm, e.question, 9999)
	pmInvalid(t, err, "assignee", "pm.error.assignee", "Assign(unknown ID)")
	_, err = e.pm.AssignEmail(ctx, pm, e.question, "niemand@example.de")
	pmInvalid(t, err, "assignee", "pm.error.assignee", "AssignEmail(unknown)")
	_, err = e.pm.AssignEmail(ctx, pm, e.question, "kein-email")
	pmInvalid(t, err, "assignee", "error.input.email", "AssignEmail(not an address)")
	_, err = e.pm.SetStatus(ctx, pm, e.question, store.PMAnswered)
	pmInvalid(t, err, "status", "error.input.choice", "SetStatus(beantwortet)")
	_, _, err = e.pm.Queue(ctx, pm, QueueFilter{Status: "erledigt"}, time.Now(), 10, 0)
	pmInvalid(t, err, "status", "error.input.choice", "Queue(unknown status)")
	_, _, err = e.pm.Queue(ctx, pm, QueueFilter{FieldSlug: "gibt-es-nicht"}, time.Now(), 10, 0)
	pmInvalid(t, err, "topic_field", "pm.error.topic_field", "Queue(unknown field)")

	if _, err := e.pm.MarkOfficial(ctx, pm, e.answer, ""); err != nil {
		t.Fatal(err)
	}
	_, err = e.pm.SetStatus(ctx, pm, e.question, store.PMWorking)
	pmInvalid(t, err, "status", "pm.error.answered", "SetStatus on an answered question")

	ts, total, err := e.pm.Queue(ctx, pm, QueueFilter{Status: store.PMAnswered, FieldSlug: "familie-kind"}, time.Now(), 10, 0)
	if err != nil || total != 1 || len(ts) != 1 || ts[0].ID != e.question {
		t.Errorf("Queue(beantwortet, familie-kind) = %v, %d, %v", ts, total, err)
	}
	stats, err := e.pm.Stats(ctx)
	if err != nil || len(stats) != 2 || stats[1].Answered != 1 || stats[1].Responses != 1 {
		t.Errorf("Stats = %+v, %v", stats, err)
	}
}
