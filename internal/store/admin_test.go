package store

import (
	"context"
	"fmt"
	"testing"
)

func TestTopicFieldStatsIncludesArchived(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	if err := db.EnsureTopicFields(ctx, []TopicField{
		{Slug: "bildung", Name: "Bildung", Position: 10},
		{Slug: "umwelt", Name: "Umwelt", Position: 20},
		{Slug: "gesundheit", Name: "Gesundheit", Position: 30},
	}); err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, NewUser{Email: "anna@kreis.de", DisplayName: "Anna", Role: RoleMember, Status: StatusActive}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, slug := range []string{"bildung", "umwelt", "gesundheit"} {
		f, err := db.TopicFieldBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		ids[slug] = f.ID
	}
	for _, slug := range []string{"bildung", "bildung", "umwelt"} {
		if _, _, err := db.CreateThread(ctx, NewThread{TopicFieldID: ids[slug], AuthorID: u.ID, Title: "Titel", Slug: "titel", Body: "x", BodyHTML: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetTopicFieldArchived(ctx, u.ID, ids["umwelt"], true); err != nil {
		t.Fatal(err)
	}

	fs, err := db.TopicFieldStats(ctx, Viewer{AllFields: true}, true)
	if err != nil {
		t.Fatalf("TopicFieldStats: %v", err)
	}
	want := []struct {
		slug     string
		threads  int
		archived bool
	}{{"bildung", 2, false}, {"umwelt", 1, true}, {"gesundheit", 0, false}}
	if len(fs) != len(want) {
		t.Fatalf("TopicFieldStats = %d fields, want %d", len(fs), len(want))
	}
	for i, w := range want {
		f := fs[i]
		if f.Slug != w.slug || f.ThreadCount != w.threads || f.Archived() != w.archived {
			t.Errorf("TopicFieldStats[%d] = %s, %d threads, archived %v; want %s, %d, %v",
				i, f.Slug, f.ThreadCount, f.Archived(), w.slug, w.threads, w.archived)
		}
		if (f.ThreadCount > 0) == f.LastActivity.IsZero() {
			t.Errorf("TopicFieldStats[%d].LastActivity = %v with %d threads", i, f.LastActivity, f.ThreadCount)
		}
	}
}

func TestUsersFilterAndPaging(t *testing.T) {
	db := newTestDB(t)
	ctx := context.Background()
	users := []struct{ role, status string }{
		{RoleMember, StatusActive}, {RoleMember, StatusApproval}, {RoleAdmin, StatusActive},
		{RoleModerator, StatusActive}, {RoleMember, StatusActive}, {RoleMember, StatusDisabled},
	}
	for i, u := range users {
		if _, err := db.CreateUser(ctx, NewUser{Email: fmt.Sprintf("u%d@kreis.de", i), DisplayName: fmt.Sprintf("U%d", i),
			Role: u.role, Status: u.status}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		f      UserFilter
		limit  int
		offset int
		want   []string // display names, newest first
		total  int
	}{
		{UserFilter{}, 10, 0, []string{"U5", "U4", "U3", "U2", "U1", "U0"}, 6},
		{UserFilter{}, 2, 2, []string{"U3", "U2"}, 6},
		{UserFilter{Role: RoleMember}, 10, 0, []string{"U5", "U4", "U1", "U0"}, 4},
		{UserFilter{Status: StatusActive}, 10, 0, []string{"U4", "U3", "U2", "U0"}, 4},
		{UserFilter{Role: RoleMember, Status: StatusActive}, 1, 0, []string{"U4"}, 2},
		{UserFilter{Role: "nobody"}, 10, 0, nil, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v/%d/%d", tt.f, tt.limit, tt.offset), func(t *testing.T) {
			us, total, err := db.Users(ctx, tt.f, tt.limit, tt.offset)
			if err != nil {
				t.Fatalf("Users: %v", err)
			}
			var got []string
			for _, u := range us {
				got = append(got, u.DisplayName)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || total != tt.total {
				t.Errorf("Users(%+v, %d, %d) = %v, %d; want %v, %d", tt.f, tt.limit, tt.offset, got, total, tt.want, tt.total)
			}
		})
	}
}
