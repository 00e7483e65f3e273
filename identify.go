package hearth

import (
	"sort"
	"time"
)

// Discord resets a bot's token after 1,000 gateway IDENTIFYs in a day, across
// all its shards. A process that crashes and restarts in a loop would burn
// through that budget in hours, so a start is delayed when the shard started
// many times recently, and held back when the day's budget runs low.
const (
	// IdentifyBudget is how many recorded IDENTIFYs a day hearth allows
	// itself: Discord's 1,000 less room for the reconnects discordgo makes
	// without a restart (they are not recorded).
	IdentifyBudget = 900
	// IdentifyFreeStarts is how many starts of a shard within
	// IdentifyWindow go ahead without waiting: a deploy or two.
	IdentifyFreeStarts = 3
	// IdentifyWindow is how far back starts count towards the backoff.
	IdentifyWindow = time.Hour
	// IdentifyMaxDelay caps the backoff: a crash loop then identifies about
	// six times an hour, far under the daily budget.
	IdentifyMaxDelay = 10 * time.Minute
	// identifyFirstDelay is the first backoff step; it doubles per start.
	identifyFirstDelay = 5 * time.Second
)

// Identify is one recorded gateway IDENTIFY of a shard.
type Identify struct {
	Shard int
	At    time.Time
}

// IdentifyDelay returns how long shard should wait at now before it
// identifies, given the IDENTIFYs recorded in the last 24 hours (of every
// shard). Past IdentifyFreeStarts starts of the shard within IdentifyWindow,
// the delay doubles from 5 s per start up to IdentifyMaxDelay; and when the
// day's IdentifyBudget is spent it lasts until the oldest start ages out.
func IdentifyDelay(recent []Identify, shard int, now time.Time) time.Duration {
	var day []time.Time
	n := 0
	for _, id := range recent {
		if id.At.After(now) || !id.At.After(now.Add(-24*time.Hour)) {
			continue
		}
		day = append(day, id.At)
		if id.Shard == shard && id.At.After(now.Add(-IdentifyWindow)) {
			n++
		}
	}
	var d time.Duration
	if n >= IdentifyFreeStarts {
		d = identifyFirstDelay
		for i := IdentifyFreeStarts; i < n && d < IdentifyMaxDelay; i++ {
			d *= 2
		}
		d = min(d, IdentifyMaxDelay)
	}
	if len(day) >= IdentifyBudget {
		sort.Slice(day, func(i, j int) bool { return day[i].Before(day[j]) })
		// Wait until enough starts leave the 24-hour window for one more.
		if wait := day[len(day)-IdentifyBudget].Add(24 * time.Hour).Sub(now); wait > d {
			d = wait
		}
	}
	return d
}
