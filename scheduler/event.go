package scheduler

import (
	"context"
	"fmt"

	"github.com/hearthbot/hearth"
)

// event brings a meeting's Discord scheduled event in step with it: a
// scheduled meeting has an event with its group, time and channel; a
// cancelled one has none. Each run reads the meeting as it is now, so
// events are published, moved and deleted through retried jobs whatever
// order they run in. Running and past meetings are left alone: Discord ends
// an external event at its end time.
//
// Discord has no nonce for events: a crash between creating one and saving
// its id leaves an extra event, which the admins can delete by hand.
func (s *Meetings) event(ctx context.Context, j *hearth.Job) (string, error) {
	m, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	switch m.Status {
	case hearth.MeetingCancelled:
		if m.EventID == "" {
			return "", nil
		}
		err := s.Discord.DeleteEvent(ctx, g.GuildID, m.EventID)
		if err != nil && hearth.Failure(err) != hearth.FailGone {
			return "", err
		}
		if err := s.saveEventID(ctx, m.ID, ""); err != nil {
			return "", err
		}
		s.Log.Info("meeting event deleted", "meeting", m.ID, "group", g.ID, "event", m.EventID)
		return m.EventID, nil
	case hearth.MeetingScheduled:
	default:
		return "", ErrCancelled
	}
	if !m.StartsAt.After(s.Engine.Now()) {
		return "", ErrCancelled // Discord refuses events that start in the past
	}
	ev := hearth.MeetingEvent(g, m, s.location(ctx, g), groupLang(g))
	if m.EventID != "" {
		err := s.Discord.UpdateEvent(ctx, m.EventID, ev)
		if err == nil {
			return m.EventID, nil
		}
		if hearth.Failure(err) != hearth.FailGone {
			return "", err
		}
		// Someone deleted the event in Discord: publish it again.
	}
	id, err := s.Discord.CreateEvent(ctx, ev)
	if err != nil {
		return "", err
	}
	_, err = s.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
		cur.EventID = id
		if cur.Status == hearth.MeetingCancelled {
			// Cancelled while the event was being created: delete it.
			return []*hearth.Job{hearth.MeetingEventJob(cur, g, s.Engine.Now(), hearth.MeetingKey(cur.ID, "event", "orphan", id))}, nil, nil
		}
		return nil, nil, nil
	})
	if err != nil {
		return "", fmt.Errorf("save event id: %w", err)
	}
	s.Log.Info("meeting event published", "meeting", m.ID, "group", g.ID, "event", id)
	return id, nil
}

func (s *Meetings) saveEventID(ctx context.Context, meetingID int64, id string) error {
	_, err := s.Store.UpdateMeeting(ctx, meetingID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
		cur.EventID = id
		return nil, nil, nil
	})
	if err != nil {
		return fmt.Errorf("save event id: %w", err)
	}
	return nil
}

// location is where an event says the meeting is: "#channel-name" when the
// Discord client can name the channel, else the channel mention.
func (s *Meetings) location(ctx context.Context, g *hearth.Group) string {
	if n, ok := s.Discord.(ChannelNamer); ok {
		if name, err := n.ChannelName(ctx, g.ChannelID); err == nil && name != "" {
			return "#" + name
		}
	}
	return "<#" + g.ChannelID + ">"
}
