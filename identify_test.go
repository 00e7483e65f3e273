package hearth_test

import (
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

func TestIdentifyDelay(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// starts returns n starts of shard, one a minute ending a minute ago.
	starts := func(shard, n int) []hearth.Identify {
		var out []hearth.Identify
		for i := range n {
			out = append(out, hearth.Identify{Shard: shard, At: now.Add(-time.Duration(n-i) * time.Minute)})
		}
		return out
	}
	tests := []struct {
		name   string
		recent []hearth.Identify
		want   time.Duration
	}{
		{"FirstStart", nil, 0},
		{"AfterADeploy", starts(0, 2), 0},
		{"ThirdRestart", starts(0, 3), 5 * time.Second},
		{"Doubles", starts(0, 4), 10 * time.Second},
		{"DoublesAgain", starts(0, 6), 40 * time.Second},
		{"Capped", starts(0, 30), hearth.IdentifyMaxDelay},
		{"OtherShardsDoNotCount", starts(1, 30), 0},
		{"OldStartsDoNotCount", []hearth.Identify{
			{At: now.Add(-2 * time.Hour)}, {At: now.Add(-90 * time.Minute)},
			{At: now.Add(-61 * time.Minute)}, {At: now.Add(-time.Minute)},
		}, 0},
		{"FutureStartsIgnored", []hearth.Identify{{At: now.Add(time.Minute)}, {At: now.Add(2 * time.Minute)}, {At: now.Add(3 * time.Minute)}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hearth.IdentifyDelay(tt.recent, 0, now); got != tt.want {
				t.Errorf("IdentifyDelay = %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("DailyBudgetSpent", func(t *testing.T) {
		// 900 starts of other shards over the last day, the oldest 23 h ago:
		// the next one waits until that one is 24 h old.
		var recent []hearth.Identify
		oldest := now.Add(-23 * time.Hour)
		for i := range hearth.IdentifyBudget {
			recent = append(recent, hearth.Identify{Shard: 1 + i%4, At: oldest.Add(time.Duration(i) * time.Minute)})
		}
		if got := hearth.IdentifyDelay(recent, 0, now); got != time.Hour {
			t.Errorf("IdentifyDelay = %s, want 1h", got)
		}
		if got := hearth.IdentifyDelay(recent[1:], 0, now); got != 0 {
			t.Errorf("IdentifyDelay under budget = %s, want 0", got)
		}
	})
}
