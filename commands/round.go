package commands

import (
	"context"
	"strconv"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// registerRound routes the round's buttons on a meeting's start post:
// round:<next|skip|share>:<meeting>:<step> (SPEC §12).
func (s *Service) registerRound(rt *Router) {
	rt.Component("round", s.roundPress)
}

// roundPress moves the round of a running meeting and edits the post. Only
// the group's two current psychologists may press, checked here whatever
// custom_id a client sends: an unknown meeting, one of another server and a
// press by anyone else get the same ephemeral refusal. A press rendered at
// an older step (a double press, a retry) changes nothing and shows the
// round as it is.
func (s *Service) roundPress(ctx context.Context, r *Request) (*Response, error) {
	refuse := r.Err(hearth.EFORBIDDEN, locale.CmdRoundRefused)
	if err := guildOnly(r); err != nil {
		return nil, refuse
	}
	action := r.Arg("round", 0)
	id, err1 := strconv.ParseInt(r.Arg("round", 1), 10, 64)
	step, err2 := strconv.Atoi(r.Arg("round", 2))
	if err1 != nil || err2 != nil {
		return nil, refuse
	}
	m, g, err := s.meetingOfButton(ctx, r, id, refuse) // in a server: guildOnly above
	if err != nil {
		return nil, err
	}
	st, err := s.Store.Round(ctx, m.ID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND || (err == nil && st.MessageID != r.MessageID) {
		return nil, refuse
	} else if err != nil {
		return nil, err
	}
	if m.Status != hearth.MeetingRunning {
		return nil, r.Err(hearth.ECONFLICT, locale.CmdRoundGone)
	}
	st, changed, err := s.Store.UpdateRound(ctx, m.ID, func(cur *hearth.RoundState) (bool, error) {
		return cur.Apply(m.Rota, action, step)
	})
	if err != nil {
		return nil, err
	}
	if changed {
		au := audit(r, "round."+action, "meeting:"+strconv.FormatInt(m.ID, 10))
		if err := s.Store.Audit(ctx, au); err != nil {
			s.Log.Error("unable to audit a round press", "meeting", m.ID, "error", err)
		}
	}
	return Update(hearth.RoundPost(g, m, st, groupLang(g))), nil
}
