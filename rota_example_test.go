package hearth_test

import (
	"fmt"
	"time"

	"github.com/hearthbot/hearth"
)

func ExampleComputeRota() {
	start := time.Date(2025, 3, 4, 19, 0, 0, 0, time.UTC)
	lastWeek := start.AddDate(0, 0, -7)
	members := []*hearth.Membership{
		{UserID: "101", Seq: 1, Shares: 2, LastShared: lastWeek},
		{UserID: "102", Seq: 2, Shares: 1, LastShared: lastWeek},
		{UserID: "103", Seq: 3, Shares: 1, LastShared: lastWeek.AddDate(0, 0, -7)},
		{UserID: "104", Seq: 4, Shares: 1, LastShared: lastWeek},
		{UserID: "105", Seq: 5, AwayUntil: start.AddDate(0, 0, 14)}, // away for two meetings
	}

	// The fifth meeting of the group: four ended before it.
	rota := hearth.ComputeRota(members, start, 4, 2)
	sharers, order := rota.Lines()
	fmt.Println(sharers)
	fmt.Println(order)

	// 103 passes: 102, next in line, takes the turn.
	if err := rota.Pass("103", members, start); err != nil {
		fmt.Println(err)
	}
	sharers, _ = rota.Lines()
	fmt.Println(sharers)

	// After the meeting 102 and 104 have shared; 103 is first in line next time.
	hearth.AdvanceRota(rota, members, start)
	next := hearth.ComputeRota(members, start.AddDate(0, 0, 7), 5, 2)
	sharers, order = next.Lines()
	fmt.Println(sharers)
	fmt.Println(order)
	// Output:
	// **Sharers:** <@102>, <@103>
	// **Check-in order:** 1. <@101> 2. <@102> 3. <@103> 4. <@104>
	// **Sharers:** <@102>, <@104>
	// **Sharers:** <@103>, <@101>
	// **Check-in order:** 1. <@102> 2. <@103> 3. <@104> 4. <@101>
}
