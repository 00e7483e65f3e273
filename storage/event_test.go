package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_EventMeetings(t *testing.T) {
	ctx := context.Background()
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		a := newGroup(t, db, "guild", "A")
		b := newGroup(t, db, "guild", "B")
		other := newGroup(t, db, "other", "C")
		day := 24 * time.Hour
		set := func(m *hearth.Meeting, fn func(*hearth.Meeting)) {
			_, err := db.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
				fn(cur)
				return nil, nil, nil
			})
			noErr(t, err)
		}
		published := newMeeting(t, db, a, testNow.Add(3*day))
		set(published, func(m *hearth.Meeting) { m.EventID, m.EventSig = "e1", "sig" })
		cancelled := newMeeting(t, db, b, testNow.Add(4*day))
		set(cancelled, func(m *hearth.Meeting) { m.EventID, m.Status = "e2", hearth.MeetingCancelled })
		ended := newMeeting(t, db, a, testNow.Add(-2*day))
		set(ended, func(m *hearth.Meeting) { m.EventID, m.Status = "e3", hearth.MeetingDone })
		off := newMeeting(t, db, b, testNow.Add(day))
		set(off, func(m *hearth.Meeting) { m.EventOff = true })
		first := newMeeting(t, db, b, testNow.Add(2*day))
		second := newMeeting(t, db, a, testNow.Add(5*day))
		newMeeting(t, db, a, testNow.Add(6*day))
		newMeeting(t, db, other, testNow.Add(day))

		pub, unpub, err := db.EventMeetings(ctx, "guild", testNow, 2)
		noErr(t, err)
		if len(pub) != 2 || pub[0].ID != published.ID || pub[1].ID != cancelled.ID || pub[0].EventSig != "sig" {
			t.Errorf("published = %+v", pub)
		}
		if len(unpub) != 2 || unpub[0].ID != first.ID || unpub[1].ID != second.ID {
			t.Errorf("unpublished = %+v, want meetings %d, %d", unpub, first.ID, second.ID)
		}
		got, err := db.Meeting(ctx, off.ID)
		noErr(t, err)
		if !got.EventOff {
			t.Error("event_off was not kept")
		}
	})
}
