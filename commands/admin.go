package commands

import "github.com/hearthbot/hearth"

// requireAdmin refuses a caller without Manage Server. Admin commands are
// also registered with default_member_permissions, but a server can grant a
// command to anyone, so the permission is checked here from the interaction.
func requireAdmin(r *Request) error {
	if err := guildOnly(r); err != nil {
		return err
	}
	if !r.IsAdmin() {
		return hearth.Errorf(hearth.EFORBIDDEN, "You need the **Manage Server** permission to do this. Even where this server lets you use the command, only its admins can manage groups, schedules and settings.")
	}
	return nil
}
