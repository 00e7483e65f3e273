package hearth_test

import (
	"fmt"
	"time"

	"github.com/hearthbot/hearth"
)

// The grammar of `/schedule set`, in a group in Europe/Madrid whose
// schedule is set on Friday 20 March 2026. Clocks go forward there on
// Sunday 29 March, from 02:00 to 03:00: meetings keep their wall-clock time,
// and one that falls in the gap moves to 03:00.
func ExampleParseSchedule() {
	madrid, err := hearth.LoadLocation("Europe/Madrid")
	if err != nil {
		fmt.Println(err)
		return
	}
	set := time.Date(2026, 3, 20, 12, 0, 0, 0, madrid)
	for _, expr := range []string{
		"every tuesday at 19:00",
		"every Mon, Thu at 6:30pm",
		"every day at 09:00",
		"every weekday at 07:30",
		"every other wednesday at 19:00", // fortnights from the first one after set
		"first monday of the month at 19:00",
		"last monday of the month at 19:00",
		"every sunday at 02:30", // 29 March has no 02:30
		"0 19 * * 2",            // cron: minute hour day-of-month month day-of-week
		"every tusday at 19:00",
	} {
		s, err := hearth.ParseSchedule(expr, madrid, set)
		if err != nil {
			fmt.Println(hearth.ErrorMessage(err))
			continue
		}
		fmt.Printf("%s (%s):\n", hearth.NormalizeSchedule(expr), hearth.DescribeSchedule(expr))
		for _, t := range hearth.NextN(s, set, 3) {
			fmt.Println("  ", t.In(madrid).Format("Mon 2 Jan 2006 15:04 MST"))
		}
	}
	// Output:
	// every tuesday at 19:00 (every Tuesday at 19:00):
	//    Tue 24 Mar 2026 19:00 CET
	//    Tue 31 Mar 2026 19:00 CEST
	//    Tue 7 Apr 2026 19:00 CEST
	// every mon,thu at 6:30pm (every Monday and Thursday at 18:30):
	//    Mon 23 Mar 2026 18:30 CET
	//    Thu 26 Mar 2026 18:30 CET
	//    Mon 30 Mar 2026 18:30 CEST
	// every day at 09:00 (every day at 09:00):
	//    Sat 21 Mar 2026 09:00 CET
	//    Sun 22 Mar 2026 09:00 CET
	//    Mon 23 Mar 2026 09:00 CET
	// every weekday at 07:30 (every weekday at 07:30):
	//    Mon 23 Mar 2026 07:30 CET
	//    Tue 24 Mar 2026 07:30 CET
	//    Wed 25 Mar 2026 07:30 CET
	// every other wednesday at 19:00 (every other Wednesday at 19:00):
	//    Wed 25 Mar 2026 19:00 CET
	//    Wed 8 Apr 2026 19:00 CEST
	//    Wed 22 Apr 2026 19:00 CEST
	// first monday of the month at 19:00 (the first Monday of each month at 19:00):
	//    Mon 6 Apr 2026 19:00 CEST
	//    Mon 4 May 2026 19:00 CEST
	//    Mon 1 Jun 2026 19:00 CEST
	// last monday of the month at 19:00 (the last Monday of each month at 19:00):
	//    Mon 30 Mar 2026 19:00 CEST
	//    Mon 27 Apr 2026 19:00 CEST
	//    Mon 25 May 2026 19:00 CEST
	// every sunday at 02:30 (every Sunday at 02:30):
	//    Sun 22 Mar 2026 02:30 CET
	//    Sun 29 Mar 2026 03:00 CEST
	//    Sun 5 Apr 2026 02:30 CEST
	// 0 19 * * 2 (cron 0 19 * * 2):
	//    Tue 24 Mar 2026 19:00 CET
	//    Tue 31 Mar 2026 19:00 CEST
	//    Tue 7 Apr 2026 19:00 CEST
	// I can't read `every tusday at 19:00` as a schedule: `tusday` is not a day (use monday to sunday, or mon, tue, wed, thu, fri, sat, sun). Use a friendly form such as `every tuesday at 19:00`, `every mon,thu at 18:30`, `every day at 09:00`, `every other wednesday at 19:00`, `first monday of the month at 19:00`, or a 5-field cron expression such as `0 19 * * 2`.
}
