// Package bot adapts discordgo to hearth: it owns the gateway session, the
// REST client (rewritten to [discord] api_base_url, with a deadline on every
// call), the sync of command definitions, the routing of interactions to the
// commands package (deferring slow handlers, turning errors and panics into
// ephemeral replies) and hearth.Discord, the outbound messages.
//
// It is the only package that imports discordgo.
package bot
