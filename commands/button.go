package commands

import (
	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// pressedByOwner checks that a button was pressed by the user it was shown
// to, whose id is argument n of its custom id (after route). The custom id
// comes from the client, so this is only the first check: each handler
// still checks the user's current rights over what the button acts on.
func pressedByOwner(r *Request, route string, n int) error {
	if owner := r.Arg(route, n); owner == "" || owner != r.User.ID {
		return &hearth.Error{Code: hearth.EFORBIDDEN, Message: r.T(locale.ErrorButtonForeign)}
	}
	return nil
}
