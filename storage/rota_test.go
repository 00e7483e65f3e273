package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_DoneMeetings(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		other := newGroup(t, db, "guild", "Phobia")
		week := 7 * 24 * time.Hour
		for i, st := range []hearth.MeetingStatus{hearth.MeetingDone, hearth.MeetingCancelled, hearth.MeetingDone, hearth.MeetingScheduled} {
			noErr(t, db.CreateMeeting(ctx, &hearth.Meeting{GroupID: g.ID, StartsAt: testNow.Add(time.Duration(i) * week), EndsAt: testNow.Add(time.Duration(i)*week + time.Hour), Status: st}))
		}
		noErr(t, db.CreateMeeting(ctx, &hearth.Meeting{GroupID: other.ID, StartsAt: testNow, EndsAt: testNow.Add(time.Hour), Status: hearth.MeetingDone}))
		for _, tt := range []struct {
			before time.Time
			want   int
		}{{testNow, 0}, {testNow.Add(time.Second), 1}, {testNow.Add(3 * week), 2}, {testNow.Add(10 * week), 2}} {
			n, err := db.DoneMeetings(ctx, g.ID, tt.before)
			noErr(t, err)
			if n != tt.want {
				t.Errorf("DoneMeetings(before %v) = %d, want %d", tt.before, n, tt.want)
			}
		}
	})
}

func TestDB_SetAway(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		for _, u := range []string{"u1", "u2", "u3"} {
			noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: u}))
		}
		members, err := db.Members(ctx, g.ID)
		noErr(t, err)
		week := 7 * 24 * time.Hour
		var ms []*hearth.Meeting
		for i := range 3 {
			m := &hearth.Meeting{GroupID: g.ID, StartsAt: testNow.Add(time.Duration(i+1) * week), EndsAt: testNow.Add(time.Duration(i+1)*week + time.Hour)}
			if i < 2 { // the first two have fixed rotas
				m.Rota = hearth.ComputeRota(members, m.StartsAt, 0, 1)
			}
			noErr(t, db.CreateMeeting(ctx, m))
			ms = append(ms, m)
		}
		if !ms[0].Rota.IsSharer("u1") {
			t.Fatalf("setup: u1 does not share: %+v", ms[0].Rota)
		}

		t.Run("OK", func(t *testing.T) {
			until := ms[0].StartsAt.Add(time.Second)
			m, changed, err := db.SetAway(ctx, g.ID, "u1", testNow, until)
			noErr(t, err)
			if !m.AwayUntil.Equal(until) || len(changed) != 1 || changed[0].ID != ms[0].ID {
				t.Fatalf("away until %v, changed %d meetings", m.AwayUntil, len(changed))
			}
			got, err := db.Meeting(ctx, ms[0].ID)
			noErr(t, err)
			if got.Rota.Position("u1") != 0 || got.Rota.IsSharer("u1") || !slices.Equal(got.Rota.Sharers, []string{"u2"}) {
				t.Errorf("rota after away = %+v", got.Rota)
			}
			if next, _ := db.Meeting(ctx, ms[1].ID); next.Rota.Position("u1") == 0 {
				t.Errorf("u1 left the rota of a meeting they are not away for")
			}
		})
		t.Run("NeverShortens", func(t *testing.T) {
			long := ms[2].StartsAt.Add(time.Second)
			_, changed, err := db.SetAway(ctx, g.ID, "u2", testNow, long)
			noErr(t, err)
			if len(changed) != 2 {
				t.Errorf("changed %d rotas, want 2", len(changed))
			}
			m, _, err := db.SetAway(ctx, g.ID, "u2", testNow, ms[0].StartsAt.Add(time.Second))
			noErr(t, err)
			if !m.AwayUntil.Equal(long) {
				t.Errorf("away until %v, want %v kept", m.AwayUntil, long)
			}
		})
		t.Run("ErrNotMember", func(t *testing.T) {
			_, _, err := db.SetAway(ctx, g.ID, "stranger", testNow, testNow.Add(week))
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_Leave_ComingRotas(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		for _, u := range []string{"u1", "u2", "u3"} {
			noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: u}))
		}
		members, err := db.Members(ctx, g.ID)
		noErr(t, err)
		week := 7 * 24 * time.Hour
		var ms []*hearth.Meeting
		for i, st := range []hearth.MeetingStatus{hearth.MeetingDone, hearth.MeetingScheduled, hearth.MeetingScheduled} {
			m := &hearth.Meeting{GroupID: g.ID, StartsAt: testNow.Add(time.Duration(i) * week), EndsAt: testNow.Add(time.Duration(i)*week + time.Hour), Status: st,
				Rota: hearth.ComputeRota(members, testNow, 0, 1)}
			noErr(t, db.CreateMeeting(ctx, m))
			ms = append(ms, m)
		}
		if !ms[1].Rota.IsSharer("u1") {
			t.Fatalf("setup: u1 does not share: %+v", ms[1].Rota)
		}
		noErr(t, db.Leave(ctx, g.ID, "u1"))
		for i, m := range ms {
			got, err := db.Meeting(ctx, m.ID)
			noErr(t, err)
			if i == 0 { // held: its record stays as it was
				if !got.Rota.IsSharer("u1") {
					t.Errorf("the rota of a meeting held changed: %+v", got.Rota)
				}
				continue
			}
			if got.Rota.Position("u1") != 0 || !slices.Equal(got.Rota.Sharers, []string{"u2"}) {
				t.Errorf("meeting %d: rota %+v, want u1 out and u2 sharing", i, got.Rota)
			}
		}
	})
}
