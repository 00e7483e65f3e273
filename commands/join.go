package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hearthbot/hearth"
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
		Content: guidelines(g),
		Buttons: [][]hearth.Button{{
			{Label: "I agree", CustomID: "join:agree:" + ids, Style: hearth.ButtonSuccess},
			{Label: "Cancel", CustomID: "join:cancel:" + ids, Style: hearth.ButtonSecondary},
		}},
		Ephemeral: true,
	}), nil
}

// canJoin refuses the group's psychologists and its members.
func (s *Service) canJoin(ctx context.Context, r *Request, g *hearth.Group) error {
	if g.IsPsychologist(r.User.ID) {
		return hearth.Errorf(hearth.EINVALID, "You are a psychologist of **%s**, so you cannot also be one of its members.", g.Name)
	}
	_, err := s.Store.Membership(ctx, g.ID, r.User.ID)
	switch hearth.ErrorCode(err) {
	case "":
		return hearth.Errorf(hearth.ECONFLICT, "You are already a member of **%s**.", g.Name)
	case hearth.ENOTFOUND:
		return nil
	}
	return err
}

// guidelines is what a person reads, and agrees to, before joining g.
func guidelines(g *hearth.Group) string {
	return fmt.Sprintf(`**Before you join %s**
• **What is shared in the group stays in the group.** Do not repeat, screenshot or pass on what others say, here or anywhere else.
• **Respect.** Listen without judging, speak for yourself, and let everyone have their turn. Nobody has to share.
• **The group does not replace individual treatment.** It is peer support, not therapy; keep seeing your own doctor or psychologist. In an emergency, call your local emergency number.
• **Alerts.** With `+"`/struggling`"+` you can tell the group's two psychologists, %s (facilitator) and %s (observer), privately that you need support. Only they see your alert and your note — and, if neither can answer in time, the server's clinical lead. Other members never see it.
Press **I agree** to join, or **Cancel**.`, g.Name, hearth.Mention(g.FacilitatorID), hearth.Mention(g.ObserverID))
}

// pressedGroup reads a join or leave button: group id and the user it was
// shown to, who alone may press it.
func (s *Service) pressedGroup(ctx context.Context, r *Request, route string) (*hearth.Group, error) {
	id, err := strconv.ParseInt(r.Arg(route, 0), 10, 64)
	if err != nil {
		return nil, hearth.Errorf(hearth.EINVALID, "This button is not valid any more.")
	}
	if err := pressedByOwner(r, route, 1); err != nil {
		return nil, err
	}
	g, err := s.Store.Group(ctx, id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND || (err == nil && g.GuildID != r.GuildID) {
		return nil, hearth.Errorf(hearth.ENOTFOUND, "This group does not exist any more.")
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
		return nil, hearth.Errorf(hearth.ECONFLICT, "You are already a member of **%s**.", g.Name)
	} else if err != nil {
		return nil, err
	}
	s.Log.Info("member joined", "group", g.ID, "user", r.User.ID)

	var b strings.Builder
	fmt.Fprintf(&b, "Welcome to **%s**! You agreed to its guidelines %s.\n", g.Name, hearth.Timestamp(t, "f"))
	next, err := s.meeting(ctx, g, t, currentOrNext)
	if err != nil {
		return nil, err
	}
	if next != nil {
		fmt.Fprintf(&b, "Next meeting: %s (%s).", hearth.Timestamp(next.StartsAt, "F"), hearth.Timestamp(next.StartsAt, "R"))
	} else {
		b.WriteString("No meeting is planned yet; reminders will tell you when one is.")
	}
	fmt.Fprintf(&b, " Reminders are posted in <#%s>; to get them by DM too, use `/reminders dm:true`.", g.ChannelID)
	if g.RoleID != "" {
		if err := s.Discord.AddRole(ctx, g.GuildID, r.User.ID, g.RoleID); err != nil {
			b.WriteString("\n" + s.roleTrouble(ctx, r, g, err, true))
		}
	}
	return Update(hearth.Message{Content: b.String()}), nil
}

func (s *Service) joinCancel(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.pressedGroup(ctx, r, "join:cancel")
	if err != nil {
		return nil, err
	}
	return Update(hearth.Message{Content: fmt.Sprintf("You did not join **%s**. Nothing was saved.", g.Name)}), nil
}

// roleTrouble handles a failed grant (or removal) of a group's role: the
// membership change stands; the admins are told in the staff channel how to
// fix it, and the member's reply gets a line saying what happened.
func (s *Service) roleTrouble(ctx context.Context, r *Request, g *hearth.Group, err error, grant bool) string {
	s.Log.Warn("unable to change a member's group role", "group", g.ID, "user", r.User.ID, "role", g.RoleID, "grant", grant, "error", err)
	role := "<@&" + g.RoleID + ">"
	verb, member := "give", "you are still a member"
	if !grant {
		verb, member = "remove", "you have still left the group"
	}
	var why, fix string
	switch hearth.Failure(err) {
	case hearth.FailGone:
		if !grant {
			return "" // a deleted role is held by nobody
		}
		why = "the group's role no longer exists"
		fix = fmt.Sprintf("choose a new role with `/group edit group:%s role:`", g.Name)
	case hearth.FailForbidden:
		why = "hearth lacks the **Manage Roles** permission, or its own role is below " + role
		fix = "give hearth's role the Manage Roles permission and move it above " + role + " in Server Settings → Roles"
	default:
		why = "Discord did not answer"
		fix = "change the role by hand, and check hearth's log if it happens again"
	}
	line := fmt.Sprintf("I could not %s the role %s: %s; %s.", verb, role, why, member)
	settings, serr := s.Store.GuildSettings(ctx, g.GuildID)
	if serr == nil && settings.StaffChannelID != "" {
		// Private staff channel; mentions are not pinged.
		notice := &hearth.Message{Content: fmt.Sprintf("hearth could not %s the role %s of group **%s** for %s: %s. To fix it, %s.",
			verb, role, g.Name, hearth.Mention(r.User.ID), why, fix)}
		if _, serr = s.Discord.Send(ctx, settings.StaffChannelID, notice, "role:"+r.InteractionID); serr == nil {
			return line + " An admin has been told."
		}
		s.Log.Warn("unable to post a staff notice", "guild", g.GuildID, "channel", settings.StaffChannelID, "error", serr)
	}
	return line + " Please tell a server admin: to fix it, " + fix + "."
}
