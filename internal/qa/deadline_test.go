package qa

import (
	"testing"
	"time"
)

func TestDueDate(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		asked string
		n     int
		want  string // local midnight that ends the due day
	}{
		{"monday, 10 days", "2026-11-23 09:00", 10, "2026-12-08 00:00"},
		{"friday afternoon, 1 day", "2026-11-27 16:30", 1, "2026-12-01 00:00"},
		{"saturday counts from monday", "2026-11-28 11:00", 1, "2026-12-01 00:00"},
		{"sunday late evening", "2026-11-29 23:59", 5, "2026-12-05 00:00"},
		{"across the year end", "2026-12-28 10:00", 10, "2027-01-12 00:00"},
		{"new year's eve, friday", "2027-12-31 12:00", 1, "2028-01-04 00:00"},
		{"leap day", "2028-02-28 08:00", 1, "2028-03-01 00:00"},
		{"across daylight saving end", "2026-10-23 09:00", 2, "2026-10-28 00:00"},
		{"across daylight saving start", "2027-03-26 09:00", 1, "2027-03-30 00:00"},
		{"zero days: end of the same day", "2026-11-23 09:00", 0, "2026-11-24 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DueDate(at(tt.asked), tt.n)
			if want := at(tt.want); !got.Equal(want) {
				t.Errorf("DueDate(%s, %d) = %s, want %s", tt.asked, tt.n, got.In(berlin).Format(time.RFC3339), want.Format(time.RFC3339))
			}
		})
	}
	// The asker's time zone does not matter: 23:30 UTC on a Friday is
	// already Saturday in Berlin.
	fridayUTC := time.Date(2026, 11, 27, 23, 30, 0, 0, time.UTC)
	if got, want := DueDate(fridayUTC, 1), at("2026-12-01 00:00"); !got.Equal(want) {
		t.Errorf("DueDate(Friday 23:30 UTC, 1) = %s, want %s", got.In(berlin), want)
	}
}
