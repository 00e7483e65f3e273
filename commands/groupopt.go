package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// scope says which groups a command's caller may use; it is part of the
// command's definition (Command.scope).
type scope int

const (
	scopeMember       scope = iota // groups the caller belongs to
	scopeJoinable                  // groups of the server the caller is not in
	scopePsychologist              // groups the caller coordinates
	scopeAdmin                     // every group of the server
)

// groupsFor returns the groups of the server the caller may use in scope.
func (s *Service) groupsFor(ctx context.Context, r *Request, sc scope) ([]*hearth.Group, error) {
	switch sc {
	case scopeMember:
		return s.Store.UserGroups(ctx, r.GuildID, r.User.ID)
	}
	all, err := s.Store.Groups(ctx, r.GuildID)
	if err != nil {
		return nil, err
	}
	switch sc {
	case scopePsychologist:
		return slices.DeleteFunc(all, func(g *hearth.Group) bool { return !g.IsPsychologist(r.User.ID) }), nil
	case scopeJoinable:
		mine, err := s.Store.UserGroups(ctx, r.GuildID, r.User.ID)
		if err != nil {
			return nil, err
		}
		return slices.DeleteFunc(all, func(g *hearth.Group) bool {
			return slices.ContainsFunc(mine, func(m *hearth.Group) bool { return m.ID == g.ID })
		}), nil
	}
	return all, nil
}

// group resolves the `group` option of r in its command's scope. When the
// option is omitted and the caller has exactly one group in scope, that one
// is used.
func (s *Service) group(ctx context.Context, r *Request) (*hearth.Group, error) {
	if err := guildOnly(r); err != nil {
		return nil, err
	}
	sc := r.scope
	name := r.String("group")
	if name == "" {
		gs, err := s.groupsFor(ctx, r, sc)
		if err != nil {
			return nil, err
		}
		switch len(gs) {
		case 1:
			return gs[0], nil
		case 0:
			switch sc {
			case scopeMember:
				return nil, &hearth.Error{Code: hearth.ENOTFOUND, Message: r.T(locale.AccessNoMembership)}
			case scopePsychologist:
				return nil, &hearth.Error{Code: hearth.EFORBIDDEN, Message: r.T(locale.AccessNoCoordination)}
			default:
				return nil, &hearth.Error{Code: hearth.ENOTFOUND, Message: r.T(locale.AccessNoGroups)}
			}
		default:
			return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.AccessSeveral)}
		}
	}
	g, err := s.Store.GroupByName(ctx, r.GuildID, name)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, &hearth.Error{Code: hearth.ENOTFOUND, Message: r.T(locale.AccessUnknownGroup, locale.A("Name", clip(name, 50)))}
	} else if err != nil {
		return nil, err
	}
	switch sc {
	case scopePsychologist:
		if !g.IsPsychologist(r.User.ID) {
			return nil, &hearth.Error{Code: hearth.EFORBIDDEN, Message: r.T(locale.AccessPsychologistsOnly, locale.A("Group", g.Name))}
		}
	case scopeMember:
		if _, err := s.Store.Membership(ctx, g.ID, r.User.ID); hearth.ErrorCode(err) == hearth.ENOTFOUND {
			return nil, &hearth.Error{Code: hearth.EFORBIDDEN, Message: r.T(locale.AccessNotMember, locale.A("Group", g.Name))}
		} else if err != nil {
			return nil, err
		}
	}
	return g, nil
}

// registerGroupAutocomplete completes `group` options everywhere with the
// groups of this server the caller may use: prefix match, at most 25.
func (s *Service) registerGroupAutocomplete(rt *Router) {
	rt.Autocomplete("group", func(ctx context.Context, r *Request) (*Response, error) {
		if r.GuildID == "" {
			return Choices(nil), nil
		}
		gs, err := s.groupsFor(ctx, r, r.scope)
		if err != nil {
			return nil, err
		}
		prefix := strings.ToLower(r.String("group"))
		var out []Choice
		for _, g := range gs {
			if strings.HasPrefix(strings.ToLower(g.Name), prefix) {
				out = append(out, Choice{Name: g.Name, Value: g.Name})
			}
		}
		return Choices(out), nil
	})
}

// clip shortens user input echoed back in a message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// groupTarget names a group in audit entries.
func groupTarget(g *hearth.Group) string { return fmt.Sprintf("group:%d", g.ID) }
