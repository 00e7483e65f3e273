package hearth_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

var (
	rotaStart = time.Date(2025, 1, 7, 19, 0, 0, 0, time.UTC)
	rotaWeek  = 7 * 24 * time.Hour
)

// rotaMember returns a membership with user id "u<seq>".
func rotaMember(seq int64, shares int, lastShared time.Time) *hearth.Membership {
	return &hearth.Membership{UserID: "u" + strconv.FormatInt(seq, 10), Seq: seq, Shares: shares, LastShared: lastShared}
}

// rotaFresh returns n members u1…un who never shared.
func rotaFresh(n int) []*hearth.Membership {
	ms := make([]*hearth.Membership, n)
	for i := range ms {
		ms[i] = rotaMember(int64(i+1), 0, time.Time{})
	}
	return ms
}

func rotaAway(m *hearth.Membership) *hearth.Membership {
	m.AwayUntil = rotaStart.Add(time.Minute)
	return m
}

func TestComputeRota(t *testing.T) {
	ago := func(weeks int) time.Time { return rotaStart.Add(-time.Duration(weeks) * rotaWeek) }
	tests := []struct {
		name        string
		members     []*hearth.Membership
		round       int
		sharers     int
		wantOrder   []string
		wantSharers []string
	}{
		{"OK", rotaFresh(4), 0, 2, []string{"u1", "u2", "u3", "u4"}, []string{"u1", "u2"}},
		{"RotatedByRound", rotaFresh(4), 1, 1, []string{"u2", "u3", "u4", "u1"}, []string{"u1"}},
		{"RotationWraps", rotaFresh(4), 6, 0, []string{"u3", "u4", "u1", "u2"}, []string{}},
		{"NegativeRound", rotaFresh(3), -1, 0, []string{"u3", "u1", "u2"}, []string{}},
		{"OrderBySeqNotSlice", []*hearth.Membership{rotaMember(3, 0, time.Time{}), rotaMember(1, 0, time.Time{}), rotaMember(2, 0, time.Time{})}, 0, 0,
			[]string{"u1", "u2", "u3"}, []string{}},
		{"AwayExcluded", []*hearth.Membership{rotaMember(1, 0, time.Time{}), rotaAway(rotaMember(2, 0, time.Time{})), rotaMember(3, 1, ago(1))}, 0, 2,
			[]string{"u1", "u3"}, []string{"u1", "u3"}},
		{"AwayEndsAtStart", []*hearth.Membership{rotaMember(1, 0, time.Time{}), {UserID: "u2", Seq: 2, AwayUntil: rotaStart}}, 0, 2,
			[]string{"u1", "u2"}, []string{"u1", "u2"}},
		{"FewestSharesFirst", []*hearth.Membership{rotaMember(1, 3, ago(5)), rotaMember(2, 1, ago(1)), rotaMember(3, 2, ago(9)), rotaMember(4, 1, ago(2))}, 0, 2,
			[]string{"u1", "u2", "u3", "u4"}, []string{"u2", "u4"}},
		{"TieByLastShared", []*hearth.Membership{rotaMember(1, 1, ago(1)), rotaMember(2, 1, ago(3)), rotaMember(3, 1, ago(2))}, 0, 1,
			[]string{"u1", "u2", "u3"}, []string{"u2"}},
		{"NeverSharedIsLongestAgo", []*hearth.Membership{rotaMember(1, 1, ago(50)), rotaMember(2, 1, time.Time{})}, 0, 1,
			[]string{"u1", "u2"}, []string{"u2"}},
		{"TieBySeq", []*hearth.Membership{rotaMember(3, 1, ago(1)), rotaMember(1, 1, ago(1)), rotaMember(2, 1, ago(1))}, 0, 2,
			[]string{"u1", "u2", "u3"}, []string{"u1", "u2"}},
		{"SharersInCheckInOrder", []*hearth.Membership{rotaMember(1, 2, ago(1)), rotaMember(2, 0, time.Time{}), rotaMember(3, 1, ago(2))}, 1, 2,
			[]string{"u2", "u3", "u1"}, []string{"u2", "u3"}},
		{"SharersOff", rotaFresh(3), 0, 0, []string{"u1", "u2", "u3"}, []string{}},
		{"NegativeSharers", rotaFresh(2), 0, -1, []string{"u1", "u2"}, []string{}},
		{"MoreSharersThanMembers", rotaFresh(2), 1, 5, []string{"u2", "u1"}, []string{"u2", "u1"}},
		{"NoMembers", nil, 3, 2, []string{}, []string{}},
		{"AllAway", []*hearth.Membership{rotaAway(rotaMember(1, 0, time.Time{}))}, 0, 1, []string{}, []string{}},
		{"NilMemberSkipped", []*hearth.Membership{nil, rotaMember(1, 0, time.Time{})}, 0, 1, []string{"u1"}, []string{"u1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := hearth.ComputeRota(tt.members, rotaStart, tt.round, tt.sharers)
			if !reflect.DeepEqual(r.Order, tt.wantOrder) {
				t.Errorf("Order = %q, want %q", r.Order, tt.wantOrder)
			}
			if !reflect.DeepEqual(r.Sharers, tt.wantSharers) {
				t.Errorf("Sharers = %q, want %q", r.Sharers, tt.wantSharers)
			}
			if r.Passed == nil || len(r.Passed) != 0 {
				t.Errorf("Passed = %#v, want empty", r.Passed)
			}
		})
	}

	t.Run("FirstSpeakerChangesEachRound", func(t *testing.T) {
		ms := rotaFresh(5)
		prev := ""
		for round := range 12 {
			first := hearth.ComputeRota(ms, rotaStart, round, 1).Order[0]
			if first == prev {
				t.Fatalf("round %d: %s speaks first twice in a row", round, first)
			}
			prev = first
		}
	})

	t.Run("JSON", func(t *testing.T) {
		r := hearth.ComputeRota(rotaFresh(2), rotaStart, 0, 1)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"order":["u1","u2"],"sharers":["u1"],"passed":[]}`; string(b) != want {
			t.Errorf("JSON = %s, want %s", b, want)
		}
	})
}

func TestRota_Pass(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ms := []*hearth.Membership{rotaMember(1, 1, rotaStart.Add(-rotaWeek)), rotaMember(2, 0, time.Time{}), rotaMember(3, 0, time.Time{}), rotaMember(4, 2, rotaStart.Add(-rotaWeek))}
		r := hearth.ComputeRota(ms, rotaStart, 2, 2)
		// Order u3 u4 u1 u2; queue u2 u3 u1 u4.
		if want := []string{"u3", "u2"}; !reflect.DeepEqual(r.Sharers, want) {
			t.Fatalf("Sharers = %q, want %q", r.Sharers, want)
		}
		if err := r.Pass("u2", ms, rotaStart); err != nil {
			t.Fatal(err)
		}
		if want := []string{"u3", "u1"}; !reflect.DeepEqual(r.Sharers, want) {
			t.Errorf("Sharers = %q, want next in line u1 to take the turn: %q", r.Sharers, want)
		}
		if want := []string{"u2"}; !reflect.DeepEqual(r.Passed, want) {
			t.Errorf("Passed = %q, want %q", r.Passed, want)
		}
		if want := []string{"u3", "u4", "u1", "u2"}; !reflect.DeepEqual(r.Order, want) {
			t.Errorf("Order = %q, want the passer to keep their place %q", r.Order, want)
		}
		if ms[1].Shares != 0 || !ms[1].LastShared.IsZero() {
			t.Errorf("passer's counters changed: %+v", ms[1])
		}

		// The passer does not count a share and is first in line next time.
		hearth.AdvanceRota(r, ms, rotaStart)
		next := hearth.ComputeRota(ms, rotaStart.Add(rotaWeek), 3, 1)
		if want := []string{"u2"}; !reflect.DeepEqual(next.Sharers, want) {
			t.Errorf("next Sharers = %q, want the passer %q", next.Sharers, want)
		}
	})

	t.Run("SkipsAwayAndPassed", func(t *testing.T) {
		ms := rotaFresh(4)
		r := hearth.ComputeRota(ms, rotaStart, 0, 1) // sharer u1
		ms[1].AwayUntil = rotaStart.Add(rotaWeek)    // u2 went away without Remove
		if err := r.Pass("u1", ms, rotaStart); err != nil {
			t.Fatal(err)
		}
		if err := r.Pass("u3", ms, rotaStart); err != nil {
			t.Fatal(err)
		}
		if want := []string{"u4"}; !reflect.DeepEqual(r.Sharers, want) {
			t.Errorf("Sharers = %q, want %q", r.Sharers, want)
		}
		if err := r.Pass("u4", ms, rotaStart); err != nil {
			t.Fatal(err)
		}
		if len(r.Sharers) != 0 {
			t.Errorf("Sharers = %q, want none left", r.Sharers)
		}
		if want := []string{"u1", "u3", "u4"}; !reflect.DeepEqual(r.Passed, want) {
			t.Errorf("Passed = %q, want %q", r.Passed, want)
		}
	})

	t.Run("IgnoresLateJoiner", func(t *testing.T) {
		ms := rotaFresh(2)
		r := hearth.ComputeRota(ms, rotaStart, 0, 2)
		ms = append(ms, rotaMember(3, 0, time.Time{}))
		if err := r.Pass("u1", ms, rotaStart); err != nil {
			t.Fatal(err)
		}
		if want := []string{"u2"}; !reflect.DeepEqual(r.Sharers, want) {
			t.Errorf("Sharers = %q, want %q (u3 joined after the rota was fixed)", r.Sharers, want)
		}
	})

	errTests := []struct {
		name     string
		userID   string
		wantCode string
	}{
		{"ErrNotSharer", "u3", hearth.EINVALID},
		{"ErrNotMember", "u9", hearth.EINVALID},
		{"ErrAlreadyPassed", "u1", hearth.ECONFLICT},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			ms := rotaFresh(3)
			r := hearth.ComputeRota(ms, rotaStart, 0, 1)
			if err := r.Pass("u1", ms, rotaStart); err != nil {
				t.Fatal(err)
			}
			before := fmt.Sprint(*r)
			err := r.Pass(tt.userID, ms, rotaStart)
			if got := hearth.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.wantCode)
			}
			if after := fmt.Sprint(*r); after != before {
				t.Errorf("rota changed on error: %s -> %s", before, after)
			}
		})
	}

	t.Run("ErrNotSharerMessage", func(t *testing.T) {
		r := hearth.ComputeRota(rotaFresh(2), rotaStart, 0, 1)
		err := r.Pass("u2", rotaFresh(2), rotaStart)
		if want := "You are not sharing at the next meeting, so there is nothing to pass."; hearth.ErrorMessage(err) != want {
			t.Errorf("message = %q, want %q", hearth.ErrorMessage(err), want)
		}
	})

	t.Run("ErrNilRota", func(t *testing.T) {
		var r *hearth.Rota
		if got := hearth.ErrorCode(r.Pass("u1", nil, rotaStart)); got != hearth.EINVALID {
			t.Errorf("code = %q, want %q", got, hearth.EINVALID)
		}
	})
}

func TestRota_Remove(t *testing.T) {
	tests := []struct {
		name        string
		pass        string // passed before the removal, if any
		remove      string
		wantOrder   []string
		wantSharers []string
		wantPassed  []string
	}{
		{"Sharer", "", "u1", []string{"u2", "u3", "u4"}, []string{"u2", "u3"}, []string{}},
		{"NotSharer", "", "u4", []string{"u1", "u2", "u3"}, []string{"u1", "u2"}, []string{}},
		{"Passer", "u1", "u1", []string{"u2", "u3", "u4"}, []string{"u2", "u3"}, []string{}},
		{"Absent", "", "u9", []string{"u1", "u2", "u3", "u4"}, []string{"u1", "u2"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := rotaFresh(4)
			r := hearth.ComputeRota(ms, rotaStart, 0, 2)
			if tt.pass != "" {
				if err := r.Pass(tt.pass, ms, rotaStart); err != nil {
					t.Fatal(err)
				}
			}
			r.Remove(tt.remove, ms, rotaStart)
			if !reflect.DeepEqual(r.Order, tt.wantOrder) {
				t.Errorf("Order = %q, want %q", r.Order, tt.wantOrder)
			}
			if !reflect.DeepEqual(r.Sharers, tt.wantSharers) {
				t.Errorf("Sharers = %q, want %q", r.Sharers, tt.wantSharers)
			}
			if !reflect.DeepEqual(r.Passed, tt.wantPassed) {
				t.Errorf("Passed = %q, want %q", r.Passed, tt.wantPassed)
			}
		})
	}

	t.Run("LastMember", func(t *testing.T) {
		ms := rotaFresh(1)
		r := hearth.ComputeRota(ms, rotaStart, 0, 1)
		r.Remove("u1", ms, rotaStart)
		if len(r.Order) != 0 || len(r.Sharers) != 0 {
			t.Errorf("rota = %+v, want empty", r)
		}
	})

	t.Run("NilRota", func(t *testing.T) {
		var r *hearth.Rota
		r.Remove("u1", nil, rotaStart) // must not panic
	})
}

func TestRota_Position(t *testing.T) {
	r := hearth.ComputeRota(rotaFresh(3), rotaStart, 1, 1)
	for id, want := range map[string]int{"u2": 1, "u3": 2, "u1": 3, "u9": 0} {
		if got := r.Position(id); got != want {
			t.Errorf("Position(%s) = %d, want %d", id, got, want)
		}
	}
	if !r.IsSharer("u1") || r.IsSharer("u2") {
		t.Errorf("IsSharer wrong for %+v", r)
	}
	var nilRota *hearth.Rota
	if nilRota.Position("u1") != 0 || nilRota.IsSharer("u1") {
		t.Error("nil rota has a position or a sharer")
	}
}

func TestAdvanceRota(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ms := rotaFresh(4)
		r := hearth.ComputeRota(ms, rotaStart, 0, 3) // sharers u1 u2 u3
		if err := r.Pass("u2", ms, rotaStart); err != nil {
			t.Fatal(err)
		}
		// u4 took u2's turn; u3 leaves before the meeting ends.
		ms = slices.DeleteFunc(ms, func(m *hearth.Membership) bool { return m.UserID == "u3" })
		updated := hearth.AdvanceRota(r, ms, rotaStart)
		var ids []string
		for _, m := range updated {
			ids = append(ids, m.UserID)
		}
		if want := []string{"u1", "u4"}; !reflect.DeepEqual(ids, want) {
			t.Errorf("updated = %q, want %q", ids, want)
		}
		for _, m := range ms {
			wantShares, wantLast := 0, time.Time{}
			if m.UserID == "u1" || m.UserID == "u4" {
				wantShares, wantLast = 1, rotaStart
			}
			if m.Shares != wantShares || !m.LastShared.Equal(wantLast) {
				t.Errorf("%s: Shares %d LastShared %v, want %d %v", m.UserID, m.Shares, m.LastShared, wantShares, wantLast)
			}
		}
	})

	t.Run("Idempotent", func(t *testing.T) {
		ms := rotaFresh(2)
		r := hearth.ComputeRota(ms, rotaStart, 0, 1)
		hearth.AdvanceRota(r, ms, rotaStart)
		if updated := hearth.AdvanceRota(r, ms, rotaStart); len(updated) != 0 {
			t.Errorf("second advance updated %d members", len(updated))
		}
		if ms[0].Shares != 1 {
			t.Errorf("Shares = %d, want 1", ms[0].Shares)
		}
	})

	t.Run("PassedListedAsSharer", func(t *testing.T) {
		ms := rotaFresh(2)
		r := &hearth.Rota{Order: []string{"u1", "u2"}, Sharers: []string{"u1"}, Passed: []string{"u1"}}
		if updated := hearth.AdvanceRota(r, ms, rotaStart); len(updated) != 0 {
			t.Errorf("a passer counted a share")
		}
	})

	t.Run("NilRota", func(t *testing.T) {
		if updated := hearth.AdvanceRota(nil, rotaFresh(1), rotaStart); updated != nil {
			t.Errorf("updated = %v", updated)
		}
	})
}

func TestJoinBaseline(t *testing.T) {
	tests := []struct {
		name    string
		members []*hearth.Membership
		want    int
	}{
		{"Empty", nil, 0},
		{"Fresh", rotaFresh(3), 0},
		{"Max", []*hearth.Membership{rotaMember(1, 4, rotaStart), rotaMember(2, 5, rotaStart), nil, rotaMember(3, 1, rotaStart)}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hearth.JoinBaseline(tt.members); got != tt.want {
				t.Errorf("JoinBaseline = %d, want %d", got, tt.want)
			}
		})
	}

	t.Run("NewcomerGoesToTheBack", func(t *testing.T) {
		// Four members a few meetings in; u4 was away a long time and is behind.
		ms := []*hearth.Membership{
			rotaMember(1, 3, rotaStart.Add(-2*rotaWeek)),
			rotaMember(2, 3, rotaStart.Add(-rotaWeek)),
			rotaMember(3, 2, rotaStart.Add(-3*rotaWeek)),
			rotaMember(4, 0, time.Time{}),
		}
		joined := rotaStart.Add(-time.Hour)
		newcomer := &hearth.Membership{UserID: "u5", Seq: 5, JoinedAt: joined, LastShared: joined, Shares: hearth.JoinBaseline(ms)}
		ms = append(ms, newcomer)
		// Sharing one a meeting, the newcomer shares last of all.
		var got []string
		for i := range 5 {
			start := rotaStart.Add(time.Duration(i) * rotaWeek)
			r := hearth.ComputeRota(ms, start, i, 1)
			got = append(got, r.Sharers...)
			hearth.AdvanceRota(r, ms, start)
		}
		if want := []string{"u4", "u4", "u3", "u4", "u1"}; !reflect.DeepEqual(got, want) {
			t.Errorf("sharers by meeting = %q, want %q", got, want)
		}
		if i := slices.Index(got, "u5"); i != -1 {
			t.Errorf("newcomer shared at meeting %d before the others caught up: %q", i, got)
		}
		// Once everyone else is at the newcomer's baseline and has shared
		// since they joined, the newcomer is next.
		for i := 5; ; i++ {
			start := rotaStart.Add(time.Duration(i) * rotaWeek)
			r := hearth.ComputeRota(ms, start, i, 1)
			if r.IsSharer("u5") {
				for _, m := range ms[:4] {
					if m.Shares < newcomer.Shares || m.LastShared.Before(joined) {
						t.Errorf("newcomer shared before %s (Shares %d, LastShared %v)", m.UserID, m.Shares, m.LastShared)
					}
				}
				break
			}
			if i > 20 {
				t.Fatal("newcomer never shares")
			}
			hearth.AdvanceRota(r, ms, start)
		}
	})
}

func TestRota_Lines(t *testing.T) {
	tests := []struct {
		name        string
		rota        *hearth.Rota
		wantSharers string
		wantOrder   string
	}{
		{"OK", &hearth.Rota{Order: []string{"3", "1", "2"}, Sharers: []string{"1", "2"}},
			"**Sharers:** <@1>, <@2>", "**Check-in order:** 1. <@3> 2. <@1> 3. <@2>"},
		{"SharingOff", &hearth.Rota{Order: []string{"1"}},
			"**Sharers:** nobody — sharing is off for this group", "**Check-in order:** 1. <@1>"},
		{"AllPassed", &hearth.Rota{Order: []string{"1"}, Passed: []string{"1"}},
			"**Sharers:** nobody — everyone in line passed", "**Check-in order:** 1. <@1>"},
		{"NoActiveMembers", &hearth.Rota{},
			"**Sharers:** nobody — no active members", "**Check-in order:** no active members"},
		{"Nil", nil,
			"**Sharers:** nobody — no active members", "**Check-in order:** no active members"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sharers, order := tt.rota.Lines()
			if sharers != tt.wantSharers {
				t.Errorf("sharers = %q, want %q", sharers, tt.wantSharers)
			}
			if order != tt.wantOrder {
				t.Errorf("order = %q, want %q", order, tt.wantOrder)
			}
		})
	}
}
