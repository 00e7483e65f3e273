package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_PreviousMeeting(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		first := newMeeting(t, db, g, testNow)
		noErr(t, db.CreateMeeting(ctx, &hearth.Meeting{GroupID: g.ID, StartsAt: testNow.Add(24 * time.Hour), EndsAt: testNow.Add(25 * time.Hour), Status: hearth.MeetingCancelled}))
		third := newMeeting(t, db, g, testNow.Add(48*time.Hour))
		t.Run("OK", func(t *testing.T) {
			m, err := db.PreviousMeeting(ctx, g.ID, third.StartsAt)
			noErr(t, err)
			if m.ID != first.ID {
				t.Errorf("previous = %d, want %d (the cancelled one is skipped)", m.ID, first.ID)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.PreviousMeeting(ctx, g.ID, first.StartsAt)
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_CountAlerts(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		other := newGroup(t, db, "guild", "Phobia")
		for i, gid := range []int64{g.ID, g.ID, g.ID, other.ID} {
			a := &hearth.Alert{GuildID: "guild", GroupID: gid, UserID: "u1", Urgency: hearth.UrgencyToday, CreatedAt: testNow.Add(time.Duration(i) * time.Hour)}
			noErr(t, db.CreateAlert(ctx, a, nil, nil))
		}
		n, err := db.CountAlerts(ctx, g.ID, testNow.Add(time.Hour), testNow.Add(10*time.Hour))
		noErr(t, err)
		if n != 2 {
			t.Errorf("CountAlerts = %d, want 2", n)
		}
	})
}

func TestDB_GroupCheckIns(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		old := newMeeting(t, db, g, testNow.Add(-30*24*time.Hour))
		recent := newMeeting(t, db, g, testNow.Add(-24*time.Hour))
		noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: old.ID, UserID: "u1", Mood: 1}))
		noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: recent.ID, UserID: "u1", Mood: 4, Note: "better"}))
		noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: recent.ID, UserID: "u2"}))
		cs, err := db.GroupCheckIns(ctx, g.ID, testNow.Add(-7*24*time.Hour), testNow)
		noErr(t, err)
		if len(cs) != 2 || cs[0].MeetingID != recent.ID || cs[0].Note != "better" || cs[0].Mood != 4 {
			t.Fatalf("check-ins = %+v", cs)
		}
	})
}
