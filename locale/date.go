package locale

import (
	"fmt"
	"time"
)

// ShortDate renders t as a day and a short month in l, such as "2 Mar" or
// "2 mar", for chart labels. Discord timestamps localize themselves; this
// is for text hearth draws (charts, tables, the demo).
func (l Lang) ShortDate(t time.Time) string {
	return T(l, DateShort, A("Day", t.Day()), A("Month", l.month(t)))
}

// DayTime renders t as a short weekday, date and 24-hour time in l, such
// as "Tue 3 Mar 19:00" or "mar 3 mar 19:00".
func (l Lang) DayTime(t time.Time) string {
	return T(l, DateDayTime, A("Weekday", T(l, Key(fmt.Sprintf("date.day_%d", int(t.Weekday()))))),
		A("Day", t.Day()), A("Month", l.month(t)), A("Time", t.Format("15:04")))
}

func (l Lang) month(t time.Time) string {
	return T(l, Key(fmt.Sprintf("date.month_%d", int(t.Month()))))
}
