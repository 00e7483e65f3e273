package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// registerJoin defines /join: the guidelines with I agree / Cancel; agreeing
// joins the group, at the back of the sharing queue.
func (s *Service) registerJoin(rt *Router) {
	rt.Define(Command{
		Name:        "join",
		scope:       scopeJoinable,
		Description: "Join a support group (you will see its guidelines first)",
		Options:     []OptionDef{GroupOpt(true)},
	})
	rt.Handle("join", s.join)
	rt.Component("join:agree", s.joinAgree)
	rt.Component("join:cancel", s.joinCancel)
}

func (s *Service) join(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := s.canJoin(ctx, r, g); err != nil {
		return nil, err
	}
	ids := fmt.Sprintf("%d:%s", g.ID, r.User.ID)
	return Reply(hearth.Message{
		Content: guidelines(r, g),
		Buttons: [][]hearth.Button{{
			{Label: r.T(locale.JoinAgree), CustomID: "join:agree:" + ids, Style: hearth.ButtonSuccess},
			{Label: r.T(locale.JoinCancel), CustomID: "join:cancel:" + ids, Style: hearth.ButtonSecondary},
		}},
		Ephemeral: true,
	}), nil
}

// canJoin refuses the group's psychologists and its members.
func (s *Service) canJoin(ctx context.Context, r *Request, g *hearth.Group) error {
	if g.IsPsychologist(r.User.ID) {
		return &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.JoinIsPsychologist, locale.A("Group", g.Name))}
	}
	_, err := s.Store.Membership(ctx, g.ID, r.User.ID)
	switch hearth.ErrorCode(err) {
	case "":
		return &hearth.Error{Code: hearth.ECONFLICT, Message: r.T(locale.JoinAlreadyMember, locale.A("Group", g.Name))}
	case hearth.ENOTFOUND:
		return nil
	}
	return err
}

// guidelines is what a person reads, and agrees to, before joining g.
func guidelines(r *Request, g *hearth.Group) string {
	return r.T(locale.JoinGuidelines, locale.A("Group", g.Name),
		locale.A("Facilitator", hearth.Mention(g.FacilitatorID)), locale.A("Observer", hearth.Mention(g.ObserverID)))
}

// pressedGroup reads a join or leave button: group id and the user it was
// shown to, who alone may press it.
func (s *Service) pressedGroup(ctx context.Context, r *Request, route string) (*hearth.Group, error) {
	id, err := strconv.ParseInt(r.Arg(route, 0), 10, 64)
	if err != nil {
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.ErrorButtonInvalid)}
	}
	if err := pressedByOwner(r, route, 1); err != nil {
		return nil, err
	}
	g, err := s.Store.Group(ctx, id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND || (err == nil && g.GuildID != r.GuildID) {
		return nil, &hearth.Error{Code: hearth.ENOTFOUND, Message: r.T(locale.ErrorGroupGone)}
	}
	return g, err
}

func (s *Service) joinAgree(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.pressedGroup(ctx, r, "join:agree")
	if err != nil {
		return nil, err
	}
	if err := s.canJoin(ctx, r, g); err != nil {
		return nil, err
	}
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	t := now(r)
	// The newcomer goes to the back of the sharing queue (SPEC §4).
	m := &hearth.Membership{GroupID: g.ID, UserID: r.User.ID, JoinedAt: t, AgreedAt: t, Shares: hearth.JoinBaseline(members), LastShared: t}
	if err := s.Store.Join(ctx, m); hearth.ErrorCode(err) == hearth.ECONFLICT {
		return nil, &hearth.Error{Code: hearth.ECONFLICT, Message: r.T(locale.JoinAlreadyMember, locale.A("Group", g.Name))}
	} else if err != nil {
		return nil, err
	}
	s.Log.Info("member joined", "group", g.ID, "user", r.User.ID)

	var b strings.Builder
	b.WriteString(r.T(locale.JoinWelcome, locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(t, "f"))) + "\n")
	next, err := s.meeting(ctx, g, t, currentOrNext)
	if err != nil {
		return nil, err
	}
	if next != nil {
		b.WriteString(r.T(locale.JoinNextMeeting, locale.A("When", hearth.Timestamp(next.StartsAt, "F")), locale.A("Relative", hearth.Timestamp(next.StartsAt, "R"))))
	} else {
		b.WriteString(r.T(locale.JoinNoMeeting))
	}
	b.WriteString(r.T(locale.JoinRemindersWhere, locale.A("Channel", "<#"+g.ChannelID+">")))
	if g.RoleID != "" {
		if err := s.Discord.AddRole(ctx, g.GuildID, r.User.ID, g.RoleID); err != nil {
			b.WriteString("\n" + s.roleTrouble(ctx, r, g, err, true))
		} else {
			s.noticeRoleProblem(ctx, r, g) // a role that allows too much keeps working; staff are told
		}
	}
	return Update(hearth.Message{Content: b.String()}), nil
}

func (s *Service) joinCancel(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.pressedGroup(ctx, r, "join:cancel")
	if err != nil {
		return nil, err
	}
	return Update(hearth.Message{Content: r.T(locale.JoinCancelled, locale.A("Group", g.Name))}), nil
}

// roleTrouble handles a failed grant (or removal) of a group's role: the
// membership change stands; the admins are told in the staff channel how to
// fix it, and the member's reply gets a line saying what happened.
func (s *Service) roleTrouble(ctx context.Context, r *Request, g *hearth.Group, err error, grant bool) string {
	s.Log.Warn("unable to change a member's group role", "group", g.ID, "user", r.User.ID, "role", g.RoleID, "grant", grant, "error", err)
	role := "<@&" + g.RoleID + ">"
	// The member reads their line in their language; the staff channel
	// reads the notice in the group's.
	staff := groupLang(g)
	var why, fix locale.Key
	switch hearth.Failure(err) {
	case hearth.FailGone:
		if !grant {
			return "" // a deleted role is held by nobody
		}
		why, fix = locale.RoleWhyGone, locale.RoleFixGone
	case hearth.FailForbidden:
		why, fix = locale.RoleWhyForbidden, locale.RoleFixForbidden
	default:
		why, fix = locale.RoleWhyNoAnswer, locale.RoleFixNoAnswer
	}
	args := []locale.Arg{locale.A("Role", role), locale.A("Group", g.Name)}
	lineKey, noticeKey := locale.RoleGiveFailed, locale.RoleGiveNotice
	if !grant {
		lineKey, noticeKey = locale.RoleRemoveFailed, locale.RoleRemoveNotice
	}
	line := r.T(lineKey, append(args, locale.A("Why", r.T(why, args...)))...)
	settings, serr := s.Store.GuildSettings(ctx, g.GuildID)
	if serr == nil && settings.StaffChannelID != "" {
		// Private staff channel; mentions are not pinged.
		notice := &hearth.Message{Content: staff.T(noticeKey, append(args, locale.A("Member", hearth.Mention(r.User.ID)),
			locale.A("Why", staff.T(why, args...)), locale.A("Fix", staff.T(fix, args...)))...)}
		if _, serr = s.Discord.Send(ctx, settings.StaffChannelID, notice, "role:"+r.InteractionID); serr == nil {
			return line + r.T(locale.RoleAdminTold)
		}
		s.Log.Warn("unable to post a staff notice", "guild", g.GuildID, "channel", settings.StaffChannelID, "error", serr)
	}
	return line + r.T(locale.RoleTellAdmin, locale.A("Fix", r.T(fix, args...)))
}
