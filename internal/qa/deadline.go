package qa

import (
	"time"
	_ "time/tzdata" // the deadline is counted in Europe/Berlin on every host
)

// berlin is the time zone the programme management works in.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}()

// DueDate is the answer deadline of a PM question asked at asked: the end
// of the n-th working day (Monday to Friday, Europe/Berlin) after the day of
// asking. A question asked on Friday afternoon with n = 1 is due at the end
// of Monday. Public holidays are not working days in practice, but they
// differ between the Länder; the deadline deliberately ignores them.
func DueDate(asked time.Time, n int) time.Time {
	local := asked.In(berlin)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, berlin)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	// End of that day: midnight of the next, which AddDate keeps correct
	// across daylight-saving changes.
	return day.AddDate(0, 0, 1).UTC()
}
