package commands

import (
	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// requireAdmin refuses a caller without Manage Server. Admin commands are
// also registered with default_member_permissions, but a server can grant a
// command to anyone, so the permission is checked here from the interaction.
func requireAdmin(r *Request) error {
	if err := guildOnly(r); err != nil {
		return err
	}
	if !r.IsAdmin() {
		return &hearth.Error{Code: hearth.EFORBIDDEN, Message: r.T(locale.AccessAdminOnly)}
	}
	return nil
}
