package store

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// personalFixture gives a user a thread, a reply in another user's thread,
// a vote, a subscription, mail settings, a session and mail in the outbox.
func personalFixture(t *testing.T, db *DB) (anna, ben User, annaThread, benThread int64) {
	t.Helper()
	ctx := context.Background()
	anna, ben = seedUser(t, db, "anna@kreis-musterland.de"), seedUser(t, db, "ben@kreis-musterland.de")
	field := seedFields(t, db)[0].ID
	annaThread = seedThread(t, db, anna.ID, field, "Annas Frage zum Bauantrag", "Annas Text mit Telefonnummer 0123-456")
	benThread = seedThread(t, db, ben.ID, field, "Bens Frage zum Wohngeld", "Bens Text")
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.write.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := db.CreatePost(ctx, benThread, anna.ID, "Annas Antwort an Ben", "<p>Annas Antwort an Ben</p>"); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO votes (post_id, user_id, value, created_at) VALUES ((SELECT MIN(id) FROM posts WHERE thread_id = ?), ?, 1, 1)`, benThread, anna.ID)
	exec(`INSERT INTO subscriptions (user_id, topic_field_id, level, created_at) VALUES (?, ?, 'watching', 1)`, anna.ID, field)
	exec(`INSERT INTO mail_settings (user_id, delivery, consent_at, consent_text) VALUES (?, 'daily', 1, 'Ich willige ein.')`, anna.ID)
	exec(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('h', ?, 1, 99999999999999)`, anna.ID)
	exec(`INSERT INTO outbox (message_id, recipient, subject, body_text, body_html, created_at, next_attempt_at) VALUES ('<m@x>', ?, 'Betreff', 'Text', '', 1, 1)`, anna.Email)
	return anna, ben, annaThread, benThread
}

func seedThread(t *testing.T, db *DB, author, field int64, title, body string) int64 {
	t.Helper()
	id, _, err := db.CreateThread(context.Background(), NewThread{TopicFieldID: field, AuthorID: author, Title: title, Slug: "t", Body: body, BodyHTML: "<p>" + body + "</p>"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestExportPersonalData(t *testing.T) {
	db := newTestDB(t)
	anna, _, _, _ := personalFixture(t, db)
	d, err := db.ExportPersonalData(context.Background(), anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"profile email", d.Profile.Email == anna.Email},
		{"two posts with their text", len(d.Posts) == 2 && strings.Contains(d.Posts[0].Body+d.Posts[1].Body, "Annas Antwort an Ben")},
		{"one vote", len(d.Votes) == 1 && d.Votes[0].Value == 1},
		{"the watched field", slices.ContainsFunc(d.Subscriptions, func(w ExportWatch) bool { return w.TopicField != "" && w.Level == "watching" })},
		{"consent with wording", d.MailSettings != nil && d.MailSettings.ConsentText == "Ich willige ein." && d.MailSettings.ConsentAt != nil},
		{"one session", len(d.Sessions) == 1},
		{"empty lists are not nil", d.Flags != nil && d.APITokens != nil && d.Groups != nil},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("export: %s missing; got %+v", c.what, d)
		}
	}
}

func TestDeleteAccount(t *testing.T) {
	for _, removePosts := range []bool{false, true} {
		t.Run(map[bool]string{false: "keep posts", true: "remove posts"}[removePosts], func(t *testing.T) {
			db := newTestDB(t)
			ctx := context.Background()
			anna, _, annaThread, benThread := personalFixture(t, db)
			if _, err := db.write.ExecContext(ctx, `INSERT INTO digest_runs (user_id, frequency, period, items, created_at)
				VALUES (?, 'weekly', '2026-W10', 0, 5)`, anna.ID); err != nil {
				t.Fatal(err)
			}
			before, err := db.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteAccount(ctx, anna.ID, anna.ID, removePosts); err != nil {
				t.Fatal(err)
			}
			// The digest counters on /metrics do not go down.
			if after, err := db.Stats(ctx); err != nil || !reflect.DeepEqual(after.Digests, before.Digests) {
				t.Errorf("digest stats after the deletion = %+v, %v; before %+v", after.Digests, err, before.Digests)
			}
			u, err := db.UserByID(ctx, anna.ID)
			if err != nil {
				t.Fatal(err)
			}
			if u.DisplayName != DeletedUserName || u.OrgName != "" || u.PasswordHash != "" || strings.Contains(u.Email, "anna") || u.Status != StatusDisabled {
				t.Errorf("deleted user row = %+v; want anonymised and disabled", u)
			}
			for _, table := range []string{"sessions", "subscriptions", "mail_settings", "votes"} {
				var n int
				col := "user_id"
				db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+col+` = ?`, anna.ID).Scan(&n)
				want := 0
				if table == "votes" {
					want = 1 // votes stay: they count, and point to an anonymous row now
				}
				if n != want {
					t.Errorf("%s rows of the deleted user = %d, want %d", table, n, want)
				}
			}
			var mails int
			db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE recipient = ?`, anna.Email).Scan(&mails)
			if mails != 0 {
				t.Errorf("%d mails to the old address are still in the outbox", mails)
			}
			var queued int
			db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_queue WHERE doc_kind = 'user' AND doc_id = ?`, anna.ID).Scan(&queued)
			if queued == 0 {
				t.Error("the search index was not told about the renamed author")
			}

			// Ben's thread keeps Anna's reply (attributed to the deleted user)
			// unless the texts were removed; Ben's own post is untouched.
			posts, n, err := db.PostsFor(ctx, Viewer{}, benThread, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if n != 2 || posts[0].Body != "Bens Text" || posts[1].AuthorName != DeletedUserName || posts[1].DeletedAt.IsZero() != !removePosts {
				t.Errorf("Ben's thread: %d posts %+v; want Ben's untouched and Anna's reply by %q, deleted only with removePosts", n, posts, DeletedUserName)
			}
			var body string
			db.read.QueryRowContext(ctx, `SELECT body FROM posts WHERE author_id = ? AND thread_id = ?`, anna.ID, benThread).Scan(&body)
			if removePosts != (body == "") {
				t.Errorf("Anna's reply body = %q with removePosts=%v", body, removePosts)
			}
			_, err = db.ThreadFor(ctx, Viewer{}, annaThread)
			if removePosts != (err != nil) {
				t.Errorf("Anna's thread visible = %v with removePosts=%v", err == nil, removePosts)
			}

			if err := db.DeleteAccount(ctx, anna.ID, anna.ID, false); err != ErrNotFound {
				t.Errorf("deleting twice: %v, want ErrNotFound", err)
			}
		})
	}
}
